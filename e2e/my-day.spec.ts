import { expect, test, type APIRequestContext } from '@playwright/test';
import { MyDayPage } from './pages/my-day-page';
import { signInAs } from './pages/login-page';
import { apiClient, apiKeys } from './support/api';

interface ApiTask { id: number; accountName: string; title: string; owner: string | null; state: string }

/** The tasks the API lists in a state (all pages). */
async function tasks(api: APIRequestContext, query: string): Promise<ApiTask[]> {
  const out: ApiTask[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.get(`/api/v1/tasks?limit=200&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { data: ApiTask[]; nextCursor: string | null };
    out.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}
const named = (list: ApiTask[], t: { title: string; account: string }) => list.filter((x) => x.title === t.title && x.accountName === t.account);

test.describe('My day', () => {
  test('a CSM lands on their day: at most the budget of accounts, each once, the rest summarised; a task done and one snoozed leave it', async ({ page, baseURL }) => {
    const api = await apiClient(baseURL!, apiKeys('demo').read);
    await signInAs(page, 'csm@example.com');
    await expect(page).toHaveURL(/\/my-day$/);
    const day = new MyDayPage(page);
    await day.expectLoaded();

    const budget = await day.budget();
    const names = await day.names();
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThanOrEqual(budget);
    expect(new Set(names).size).toBe(names.length);
    // Every card says why it is there, starting with what is at stake.
    for (const why of await day.cards().getByTestId('day-why').allInnerTexts()) expect(why).toMatch(/^\$[\d.]+[KM]? ARR/);

    // The rest is summarised, and one click lists it: nothing is dropped, no account twice.
    await expect(day.rest).toContainText(/[\d,]+ more accounts? with [\d,]+ items?/);
    const moreText = /([\d,]+) more account/.exec(await day.rest.innerText())![1]!;
    const more = Number(moreText.replace(/,/g, ''));
    await day.rest.getByRole('button', { name: `Show all ${moreText}` }).click();
    await expect(page).toHaveURL(/all=true/);
    await expect(day.cards(day.more)).toHaveCount(more);
    const everyone = [...names, ...(await day.names(day.more))];
    expect(new Set(everyone).size).toBe(everyone.length);

    // Back to the day as it opens (the full list of a CSM with many accounts is long to render).
    await day.goto();

    // Done: the task leaves the day and the API lists it as done.
    const finished = await day.firstTask();
    await day.done(finished.label).click();
    await expect(day.done(finished.label)).toHaveCount(0);
    expect(named(await tasks(api, 'state=done&owner=csm%40example.com'), finished)).toHaveLength(1);

    // Snoozed for three days: gone from the day too, and snoozed for the API.
    const later = await day.firstTask([finished.label]);
    await day.snooze(later.label).selectOption('3');
    await expect(day.done(later.label)).toHaveCount(0);
    expect(named(await tasks(api, 'state=snoozed&owner=csm%40example.com'), later)).toHaveLength(1);

    // A reload shows the same: the changes are stored, not only on the screen.
    await page.reload();
    await day.expectLoaded();
    await expect(day.done(finished.label)).toHaveCount(0);
    await expect(day.done(later.label)).toHaveCount(0);
    // CSMs do not reassign.
    await expect(page.getByRole('button', { name: /^Reassign: / })).toHaveCount(0);
  });

  test('a manager opens a CSM’s day and reassigns a task to another CSM', async ({ page, baseURL }) => {
    const api = await apiClient(baseURL!, apiKeys('demo').read);
    await signInAs(page, 'manager@example.com');
    const day = new MyDayPage(page);
    await day.goto();
    await page.getByRole('combobox', { name: 'Whose day' }).selectOption('csm@example.com');
    await expect(page).toHaveURL(/owner=csm%40example\.com/);
    await expect(page.getByRole('heading', { level: 2, name: /csm@example\.com’s accounts/ })).toBeVisible();

    const task = await day.firstTask();
    await day.reassignTo(task.label).selectOption('jordan.lee@example.com');
    await day.reassign(task.label).click();
    // It leaves Casey's day and appears on Jordan's.
    await expect(day.done(task.label)).toHaveCount(0);
    expect(named(await tasks(api, 'owner=jordan.lee%40example.com'), task)).toHaveLength(1);
    expect(named(await tasks(api, 'owner=csm%40example.com'), task)).toHaveLength(0);
    // Jordan's whole day (the budget and the rest) holds it once.
    await day.goto('?owner=jordan.lee%40example.com&all=true');
    await expect(day.done(task.label)).toHaveCount(1);
  });

  test('an admin sets the daily budget; every day then shows that many accounts', async ({ page, browser }) => {
    await signInAs(page, 'admin@example.com');
    const day = new MyDayPage(page);
    await day.goto('?owner=*');
    const form = page.getByRole('form', { name: 'Daily budget' });
    const input = form.getByLabel(/Daily budget/);
    await input.fill('0');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toHaveText('At least 1');
    await input.fill('3');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('status')).toHaveText('Saved.');
    await expect(day.cards()).toHaveCount(3);

    const csm = await browser.newPage();
    try {
      await signInAs(csm, 'csm@example.com');
      const theirs = new MyDayPage(csm);
      await theirs.goto();
      expect(await theirs.budget()).toBe(3);
      await expect(theirs.cards()).toHaveCount(3);
    } finally {
      await input.fill('10');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(day.cards()).toHaveCount(10);
      await csm.close();
    }
  });
});
