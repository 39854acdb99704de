import fs from 'node:fs';
import Papa from 'papaparse';
import { expect, test, type Page } from '@playwright/test';
import { apiClient, apiKeys } from './support/api';
import { AccountsPage } from './pages/accounts-page';
import { signInAs } from './pages/login-page';

const DAY = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
const BANDS = ['Highly engaged', 'Moderately engaged', 'Low engagement', 'Disengaged', 'No data'];

async function bandCounts(page: Page, accounts: AccountsPage): Promise<number[]> {
  const counts: number[] = [];
  for (const band of BANDS) {
    const text = await accounts.bandCard(band).locator('span.text-2xl').innerText();
    counts.push(Number(text.replace(/,/g, '')));
  }
  return counts;
}

test.describe('the accounts page as of an earlier day', () => {
  test('the URL holds the date; counts, table, export and the account page stand at that day', async ({ page, baseURL }) => {
    const asOf = day(75);
    await signInAs(page, 'manager@example.com');
    const accounts = new AccountsPage(page);
    await accounts.goto();
    await expect(accounts.rows.first()).toBeVisible();
    await expect(page.getByTestId('as-of-banner')).toHaveCount(0);
    const today = await bandCounts(page, accounts);

    await page.getByLabel('As of').fill(asOf);
    await expect(page).toHaveURL(new RegExp(`asOf=${asOf}`));
    await expect(page.getByTestId('as-of-banner')).toContainText('from the daily history');
    await expect(accounts.table.getByRole('columnheader', { name: /Velocity/ })).toHaveCount(0);
    await expect(accounts.rows.first()).toBeVisible();
    const then = await bandCounts(page, accounts);
    expect(then).not.toEqual(today);

    // The date survives a reload and travels with the other filters.
    await accounts.bandCard('Disengaged').click();
    await expect(page).toHaveURL(/band=red/);
    await page.reload();
    await expect(page.getByLabel('As of')).toHaveValue(asOf);
    await expect(accounts.bandCard('Disengaged')).toHaveAttribute('aria-pressed', 'true');
    await expect(accounts.rows.first()).toBeVisible();
    const scores = await accounts.scores();
    expect(scores.every((s) => s < 40)).toBe(true);
    const total = Number((await page.getByText(/^Showing/).innerText()).match(/of ([\d,]+)/)![1].replace(/,/g, ''));
    expect(total).toBe(then[3]);

    // The export is the same view, as of the same day.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`trellis-accounts-as-of-${asOf}.csv`);
    const csv = Papa.parse<Record<string, string>>(fs.readFileSync((await file.path())!, 'utf8'), { header: true, skipEmptyLines: true });
    expect(csv.data).toHaveLength(total);
    expect(csv.data.every((r) => r.asOf === asOf && r.band === 'red' && r.velocity === '' && r.flags === '')).toBe(true);
    expect(csv.data.slice(0, scores.length).map((r) => Number(r.score))).toEqual(scores);

    // The public API gives the same list.
    const api = await apiClient(baseURL!, apiKeys('demo').read);
    const body = (await (await api.get(`/api/v1/accounts?asOf=${asOf}&band=red&limit=500`)).json()) as { asOf: string; data: { id: string; score: number }[] };
    expect(body.asOf).toBe(asOf);
    expect(body.data.map((a) => a.id)).toEqual(csv.data.map((r) => r.id));
    expect((await api.get('/api/v1/accounts?asOf=2999-01-01')).status()).toBe(400);

    // Opened from the list, an account stands at the same day: its score as of then.
    const row = accounts.rows.first();
    const name = (await row.getByRole('link').innerText()).trim();
    await row.getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`\\?asOf=${asOf}`));
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(page.getByTestId('as-of-banner')).toContainText('computed from the events recorded up to then');
    await expect(page.getByTestId('account-score')).toHaveText(scores[0].toFixed(1));
    await expect(page.getByRole('region', { name: /^Score over the \d+ days to/ })).toBeVisible();
    await page.getByRole('link', { name: /^Accounts as of/ }).click();
    await expect(page).toHaveURL(new RegExp(`/accounts\\?asOf=${asOf}`));

    // Back to today: the live view again.
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await expect(page).not.toHaveURL(/asOf=/);
    await expect(page.getByTestId('as-of-banner')).toHaveCount(0);
    await expect(accounts.table.getByRole('columnheader', { name: /Velocity/ })).toBeVisible();
  });
});
