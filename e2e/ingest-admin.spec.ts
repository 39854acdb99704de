/**
 * The admin pages of ingestion in a real browser: API keys (created once, used, rate limited,
 * revoked, audited), CSV import (problems found, skipped, reported), the API reference and the
 * OpenAPI document; and that other roles cannot open them.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { signInAs } from './pages/login-page';
import { auditCount, rowCounts } from './support/db';

test.describe('API keys', () => {
  test('an admin creates a key that is shown once, it works, is rate limited, and stops working when revoked', async ({ page, playwright, baseURL }) => {
    const created = auditCount('demo', 'apikey.created');
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/api-keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByText('Give the key a name')).toBeVisible();

    await page.getByLabel('Name', { exact: true }).fill('Rate limit probe');
    await page.getByLabel('Scope', { exact: true }).selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(key).toMatch(/^trl_read_/);
    const row = page.getByRole('row', { name: /Rate limit probe/ });
    await expect(row).toContainText('read');
    await expect(row).toContainText(key.slice(0, 12));
    await expect(row).toContainText('never');
    expect(auditCount('demo', 'apikey.created')).toBe(created + 1);

    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
    const ok = await api.get('/api/v1/model');
    expect(ok.status()).toBe(200);
    expect(Number(ok.headers()['x-ratelimit-limit'])).toBe(300);

    // Past the burst the key gets 429 with Retry-After. (A read key posting events is refused
    // with 403 right after the limit is applied: the cheapest request that still counts.)
    let limited: { retryAfter?: string; body: string } | null = null;
    for (let round = 0; round < 40 && !limited; round++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => api.post('/api/v1/events', { data: [] })));
      expect(answers.every((r) => r.status() === 403 || r.status() === 429)).toBe(true);
      const hit = answers.find((r) => r.status() === 429);
      if (hit) limited = { retryAfter: hit.headers()['retry-after'], body: await hit.text() };
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(limited!.body).error.code).toBe('rate_limited');

    await page.reload();
    await expect(page.getByTestId('new-api-key')).toHaveCount(0);
    await expect(page.getByText(key)).toHaveCount(0);
    await expect(row).not.toContainText('never');
    await row.getByRole('button', { name: 'Revoke Rate limit probe' }).click();
    await row.getByRole('button', { name: 'Confirm revoking Rate limit probe' }).click();
    await expect(row).toContainText('Revoked');
    expect(auditCount('demo', 'apikey.revoked')).toBeGreaterThanOrEqual(1);
    const revoked = await api.get('/api/v1/model');
    expect(revoked.status()).toBe(401);
  });
});

test.describe('CSV import', () => {
  test('a file with bad rows is checked, nothing is written until the admin skips them, and the report lists them', async ({ page }, testInfo) => {
    const csv = [
      'Account,Event,Date,Clicks,feature,Event ID',
      'ACC-000001,product.login,2026-11-01,5,,csv-e1',
      'ACC-000001,feature.used,2026-11-02 10:30,1,reports,csv-e2',
      'ACC-000002,Signed Up,2026-11-03,1,,csv-e3',
      'NO-SUCH-ACCOUNT,product.login,2026-11-03,1,,csv-e4',
      'ACC-000002,product.login,03/11/2026,0,,csv-e5',
      'ACC-000003,product.login,2026-11-04,2,,csv-e1',
      'ACC-000003,meeting.held,2026-11-05T09:00:00Z,1,,csv-e6',
    ].join('\n');
    const file = testInfo.outputPath('events.csv');
    fs.writeFileSync(file, csv);
    const before = rowCounts('demo');

    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/import');
    await page.getByRole('radio', { name: /Events/ }).check();
    await page.getByLabel('CSV file').setInputFiles(file);
    // The columns are guessed from the header.
    await expect(page.getByLabel('Account id (required)', { exact: true })).toHaveValue('Account');
    await expect(page.getByLabel('Occurred at (required)', { exact: true })).toHaveValue('Date');
    await expect(page.getByLabel('Count', { exact: true })).toHaveValue('Clicks');
    await expect(page.getByLabel('Event id', { exact: true })).toHaveValue('Event ID');
    const preview = page.getByRole('table', { name: 'The first rows as they will be imported' });
    await expect(preview.getByRole('row').filter({ hasText: '03/11/2026' })).toContainText('must be an ISO 8601 date-time');

    await page.getByRole('button', { name: 'Check the whole file' }).click();
    await expect(page.getByText('4 of 7 rows have problems. Nothing has been written.')).toBeVisible();
    const problems = page.getByRole('table', { name: 'Rows with problems' });
    await expect(problems.getByRole('row', { name: /^4 type/ })).toContainText('unknown trigger "Signed Up"');
    await expect(problems.getByRole('row', { name: /^5 accountId/ })).toContainText('unknown account "NO-SUCH-ACCOUNT"');
    await expect(problems.getByRole('row', { name: /^7 id/ })).toContainText('already in row 2');
    expect(rowCounts('demo')).toEqual(before);

    await page.getByRole('button', { name: 'Skip 4 bad rows and import 3' }).click();
    await expect(page.getByText(/^Imported 3 rows; skipped 4\./)).toBeVisible();
    expect(rowCounts('demo').events).toBe(before.events + 3);
    expect(rowCounts('demo').aggregates).not.toBe(before.aggregates);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the report of skipped rows' }).click();
    const report = fs.readFileSync(await (await download).path(), 'utf8');
    expect(report.split(/\r?\n/)[0]).toBe('row,field,problem,Account,Event,Date,Clicks,feature,Event ID');
    expect(report).toContain('5,accountId,"unknown account ""NO-SUCH-ACCOUNT""');
    expect(report.trim().split(/\r?\n/)).toHaveLength(5);

    const runs = page.getByRole('table', { name: 'Recent imports' });
    await expect(runs.getByRole('row').nth(1)).toContainText('events.csv');
    await expect(runs.getByRole('row').nth(1)).toContainText('done');
  });

  test('a clean file of accounts imports with its progress and lands in the portfolio', async ({ page }, testInfo) => {
    const lines = ['id,Company Name,Tier,ARR,CSM,Renewal,plan', ...Array.from({ length: 1500 }, (_, i) => `CSV-${i},Imported ${i},core,"12,000",csm@example.com,2027-01-31,gold`)];
    const file = testInfo.outputPath('accounts.csv');
    fs.writeFileSync(file, lines.join('\n'));
    const before = rowCounts('demo');
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/import');
    await page.getByLabel('CSV file').setInputFiles(file);
    await expect(page.getByLabel('Name (required)', { exact: true })).toHaveValue('Company Name');
    await page.getByRole('button', { name: 'Check the whole file' }).click();
    await page.getByRole('button', { name: 'Import 1,500 rows' }).click();
    await expect(page.getByText(/^Imported 1,500 rows\./)).toBeVisible();
    expect(rowCounts('demo').accounts).toBe(before.accounts + 1500);
    await page.goto('/accounts?q=Imported 1499');
    await expect(page.getByRole('link', { name: 'Imported 1499' })).toBeVisible();
  });
});

test.describe('API reference', () => {
  test('admins find every route with its scope and a curl example; the OpenAPI document is public and valid', async ({ page, request }) => {
    await signInAs(page, 'admin@example.com');
    await page.getByRole('navigation', { name: 'Main' }).first().getByRole('link', { name: 'API', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'API', exact: true })).toBeVisible();
    for (const path of ['/api/v1/events', '/api/v1/accounts/{id}/history', '/api/segment/v1/batch', '/api/health']) {
      await expect(page.getByRole('article').filter({ hasText: path }).first()).toBeVisible();
    }
    await expect(page.getByLabel('curl example for POST /api/v1/events')).toContainText('Authorization: Bearer $TRELLIS_KEY');
    await expect(page.getByLabel('curl example for POST /api/segment/v1/track')).toContainText('-u "$TRELLIS_KEY:"');

    const res = await request.get('/api/v1/openapi.json');
    expect(res.status()).toBe(200);
    const doc = await res.json();
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toContain('/api/segment/v1/identify');
  });
});

test.describe('other roles', () => {
  for (const email of ['csm@example.com', 'manager@example.com']) {
    test(`${email} cannot open the ingestion admin pages or call their routes`, async ({ page }) => {
      await signInAs(page, email);
      for (const path of ['/admin/api-keys', '/admin/import', '/admin/api', '/admin/triggers']) {
        const res = await page.goto(path);
        expect(res?.status(), path).toBe(403);
        await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
      }
      const upload = await page.request.post('/api/app/imports?filename=x.csv', { data: 'id,name\nA,B' });
      expect(upload.status()).toBe(403);
      expect((await upload.json()).error.code).toBe('forbidden');
    });
  }
});
