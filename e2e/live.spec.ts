import { expect, test } from '@playwright/test';
import { AccountsPage } from './pages/accounts-page';
import { signInAs } from './pages/login-page';
import { apiClient, apiKeys, daysAgo } from './support/api';

test('an event sent through the API shows up in the list and on the account page without a reload', async ({ page, baseURL }) => {
  const ingest = await apiClient(baseURL!, apiKeys('demo').ingest);
  const read = await apiClient(baseURL!, apiKeys('demo').read);
  const created = await ingest.post('/api/v1/accounts', { data: [{ id: 'LIVE-1', name: 'Livewire Testing Co', tier: 'core', ownerEmail: 'csm@example.com', startedAt: daysAgo(300) }] });
  expect(created.status()).toBe(200);
  expect((await ingest.post('/api/v1/events', { data: [{ accountId: 'LIVE-1', type: 'support.interaction', occurredAt: daysAgo(200) }] })).status()).toBe(200);
  const score = async () => (await (await read.get('/api/v1/accounts/LIVE-1')).json()) as { state: string; score: number | null };
  // Scores follow the events within a second (rescored just after the commit).
  await expect.poll(async () => (await score()).state, { timeout: 2_000 }).toBe('scored');

  await signInAs(page, 'csm@example.com');
  const accounts = new AccountsPage(page);
  await accounts.goto('?q=Livewire');
  const row = accounts.rows.filter({ hasText: 'Livewire Testing Co' });
  await expect(row).toContainText('0.0');
  await row.getByRole('link').click();
  await expect(page.getByTestId('account-score')).toHaveText('0.0');

  const sent = await ingest.post('/api/v1/events', {
    data: Array.from({ length: 8 }, (_, i) => ({ id: `live-${i}`, accountId: 'LIVE-1', type: 'meeting.held', occurredAt: daysAgo(1), properties: { onTime: true, strategic: true } })),
  });
  expect(await sent.json()).toEqual({ accepted: 8, duplicates: 0 });
  await expect.poll(async () => (await score()).score, { timeout: 2_000 }).toBeGreaterThan(0);
  const expected = (await score()).score!.toFixed(1);

  // No reload: the page refreshes itself.
  await expect(page.getByTestId('account-score')).toHaveText(expected);
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Meeting held');
  await page.getByRole('link', { name: 'Accounts' }).first().click();
  await expect(accounts.rows.filter({ hasText: 'Livewire Testing Co' })).toContainText(expected);
});
