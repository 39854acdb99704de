import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './pages/login-page';
import { ALERT_GROUPS_PAGE as PAGE } from '../lib/queries/alerts';
import { formatCount as count } from '../lib/format';

/** The accounts with alerts in a state, the most at stake first, all of them, through the page's data route. */
async function accountsWithAlerts(page: Page, state = 'open'): Promise<{ names: string[]; accounts: number }> {
  const res = await page.request.get(`/api/app/alerts?state=${state}&shown=1000000`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { groups: { account: { name: string } }[]; accounts: number };
  expect(body.groups).toHaveLength(body.accounts);
  return { names: body.groups.map((g) => g.account.name), accounts: body.accounts };
}

test.describe('Alerts', () => {
  test('a manager sees the alerts of 25 accounts at a time, the most at stake first; the URL keeps how many', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    const { accounts } = await accountsWithAlerts(page);
    expect(accounts).toBeGreaterThan(2 * PAGE);

    await page.goto('/alerts');
    const groups = page.getByRole('list', { name: 'open alerts' }).getByTestId('alert-group');
    const names = async () => (await groups.getByRole('heading').getByRole('link').allInnerTexts()).map((n) => n.trim());
    await expect(groups).toHaveCount(PAGE);
    const more = page.getByTestId('alerts-more');
    await expect(more).toContainText(`${PAGE} of ${count(accounts)} accounts listed, the most at stake first.`);
    // The first accounts of the whole ranking, in its order (a refresh may move them: compared again until they agree).
    await expect(async () => expect(await names()).toEqual((await accountsWithAlerts(page)).names.slice(0, PAGE))).toPass();

    // With the keyboard: the next page comes under the first, and the focus stays on the button.
    const button = more.getByRole('button', { name: `Show ${PAGE} more` });
    await button.focus();
    await page.keyboard.press('Enter');
    await expect(groups).toHaveCount(2 * PAGE);
    await expect(page).toHaveURL(/shown=50/);
    await expect(button).toBeFocused();
    await expect(more).toContainText(`${2 * PAGE} of ${count(accounts)} accounts listed`);
    await expect(async () => expect(await names()).toEqual((await accountsWithAlerts(page)).names.slice(0, 2 * PAGE))).toPass();

    // A reload (or a shared link) lists as many; another state starts again at its first page.
    await page.reload();
    await expect(groups).toHaveCount(2 * PAGE);
    await page.getByRole('tab', { name: /^Acknowledged/ }).click();
    await expect(page).not.toHaveURL(/shown=/);
    await expect(page.getByRole('list', { name: 'acknowledged alerts' }).getByTestId('alert-group').first().or(page.getByText('Nothing acknowledged yet.'))).toBeVisible();
    const acknowledged = await accountsWithAlerts(page, 'acknowledged');
    await expect(page.getByRole('list', { name: 'acknowledged alerts' }).getByTestId('alert-group')).toHaveCount(Math.min(PAGE, acknowledged.accounts));
  });

  test('the data route says which parameter is wrong', async ({ page }) => {
    await signInAs(page, 'csm@example.com');
    for (const shown of ['0', '1000001', 'ten', '-5', '2.5']) {
      const res = await page.request.get(`/api/app/alerts?shown=${shown}`);
      expect(res.status()).toBe(400);
      const body = (await res.json()) as { error: { details: { path: string; message: string }[] } };
      expect(body.error.details[0]).toMatchObject({ path: 'shown', message: 'a whole number from 1 to 1000000' });
    }
    const res = await page.request.get('/api/app/alerts?shown=1');
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { groups: unknown[]; accounts: number };
    expect(body.groups).toHaveLength(Math.min(1, body.accounts));
  });
});
