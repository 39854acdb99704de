import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { MyDayPage } from './pages/my-day-page';
import { signInAs } from './pages/login-page';
import { apiClient, apiKeys } from './support/api';
import { MY_DAY_REST_PAGE as REST_PAGE } from '../lib/queries/my-day';

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
/** The accounts past the budget of a day (`owner`: '' for one's own, '*' for everyone's), all of them, through the page's data route. */
async function restOf(page: Page, owner: string, expected?: number): Promise<string[]> {
  const res = await page.request.get(`/api/app/my-day?${new URLSearchParams({ ...(owner ? { owner } : {}), all: 'true', shown: '1000000' })}`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { rest: { account: { name: string } }[]; summary: { accounts: number } };
  expect(body.rest).toHaveLength(expected ?? body.summary.accounts);
  return body.rest.map((e) => e.account.name);
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

    // The rest is summarised, and listed on request a page at a time, the most at stake first.
    await expect(day.rest).toContainText(/[\d,]+ more accounts? with [\d,]+ items?/);
    const moreText = /([\d,]+) more account/.exec(await day.rest.innerText())![1]!;
    const more = Number(moreText.replace(/,/g, ''));
    await day.rest.getByRole('button', { name: `Show all ${moreText}` }).click();
    await expect(page).toHaveURL(/all=true/);
    // The first of them (a page at most), the most at stake first; the page's own data route gives the whole rest:
    // each account once, none of today's, in the listed order.
    await expect(day.cards(day.more)).toHaveCount(Math.min(more, REST_PAGE));
    const listed = await day.names(day.more);
    const rest = await restOf(page, '', more);
    expect(rest.slice(0, listed.length)).toEqual(listed);
    const everyone = [...names, ...rest];
    expect(new Set(everyone).size).toBe(everyone.length);

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
    const jordans = (await restOf(page, 'jordan.lee@example.com')).length;
    await day.goto(`?owner=jordan.lee%40example.com&all=true&shown=${Math.max(1, jordans)}`);
    await expect(day.done(task.label)).toHaveCount(1);
  });

  test('a manager pages through everyone’s accounts past the budget: a page at a time, nothing dropped, none twice', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    const day = new MyDayPage(page);
    await day.goto('?owner=*');
    await expect(page.getByRole('heading', { level: 2, name: /Everyone’s accounts/ })).toBeVisible();
    const top = await day.names();
    const moreText = /([\d,]+) more account/.exec(await day.rest.innerText())![1]!;
    const more = Number(moreText.replace(/,/g, ''));
    expect(more).toBeGreaterThan(2 * REST_PAGE); // the demo has hundreds

    await day.rest.getByRole('button', { name: `Show all ${moreText}` }).click();
    await expect(page).toHaveURL(/owner=\*&all=true$|owner=%2A&all=true$/);
    await expect(day.cards(day.more)).toHaveCount(REST_PAGE);
    const status = day.rest.getByTestId('day-rest-more');
    await expect(status).toContainText(`${REST_PAGE} of ${moreText} listed, the most at stake first.`);
    const next = status.getByRole('button', { name: `Show ${REST_PAGE} more` });
    await next.click();
    await expect(page).toHaveURL(new RegExp(`shown=${2 * REST_PAGE}$`));
    await expect(day.cards(day.more)).toHaveCount(2 * REST_PAGE);
    await expect(next).toBeFocused(); // where the reader was, below the new cards
    await expect(status).toContainText(`${2 * REST_PAGE} of ${moreText} listed`);
    // The pages follow one another: the listed accounts are the rest's first, in its order, none of today's.
    const listed = await day.names(day.more);
    expect((await restOf(page, '*', more)).slice(0, listed.length)).toEqual(listed);
    expect(new Set([...top, ...listed]).size).toBe(top.length + listed.length);
    // The view is in the URL: a reload lists as many.
    await page.reload();
    await expect(day.cards(day.more)).toHaveCount(2 * REST_PAGE);
    // Once a day is listed whole (one CSM's, under two pages), it says so and offers no more.
    const priyas = (await restOf(page, 'priya.shah@example.com')).length;
    expect(priyas).toBeGreaterThan(0);
    expect(priyas).toBeLessThanOrEqual(2 * REST_PAGE);
    await day.goto(`?owner=priya.shah%40example.com&all=true&shown=${2 * REST_PAGE}`);
    await expect(day.cards(day.more)).toHaveCount(priyas);
    await expect(status).toContainText(`All ${priyas} listed.`);
    await expect(status.getByRole('button')).toHaveCount(0);
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
