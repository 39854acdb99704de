import { expect, type Locator, type Page } from '@playwright/test';

/** The "My day" page: the day's account cards, the summary of the rest and the task actions. */
export class MyDayPage {
  constructor(private readonly page: Page) {}

  async goto(query = '') {
    await this.page.goto(`/my-day${query}`);
    await this.expectLoaded();
  }

  async expectLoaded() {
    await expect(this.page.getByRole('heading', { name: 'My day', level: 1 })).toBeVisible();
    await expect(this.page.getByTestId('day-counts')).toBeVisible();
  }

  get today() {
    return this.page.getByRole('list', { name: 'Accounts that need attention today' });
  }

  get more() {
    return this.page.getByRole('list', { name: 'More accounts that need attention' });
  }

  get rest() {
    return this.page.getByTestId('day-rest');
  }

  cards(list: Locator = this.today) {
    return list.getByTestId('day-account');
  }

  /** The daily budget, as the page states it. */
  async budget(): Promise<number> {
    const text = await this.page.getByRole('heading', { level: 2, name: /daily budget/ }).innerText();
    return Number(/daily budget (\d+)/.exec(text)![1]);
  }

  /** The account names of a list's cards, in order. */
  async names(list: Locator = this.today): Promise<string[]> {
    return (await this.cards(list).getByRole('heading', { level: 3 }).getByRole('link').allInnerTexts()).map((s) => s.trim());
  }

  /** The first task on the page: its title, its account and the label its actions carry ("<title> on <account>"). */
  async firstTask(skip: string[] = []): Promise<{ title: string; account: string; label: string }> {
    const cards = this.cards(this.today);
    for (let i = 0; i < (await cards.count()); i++) {
      const card = cards.nth(i);
      const account = (await card.getByRole('heading', { level: 3 }).getByRole('link').innerText()).trim();
      const tasks = card.getByTestId('day-task');
      for (let j = 0; j < (await tasks.count()); j++) {
        const done = await tasks.nth(j).getByRole('button', { name: /^Done: / }).getAttribute('aria-label');
        const label = done!.slice('Done: '.length);
        if (skip.includes(label)) continue;
        return { title: label.slice(0, label.length - ` on ${account}`.length), account, label };
      }
    }
    throw new Error('No task on the day');
  }

  done(label: string) {
    return this.page.getByRole('button', { name: `Done: ${label}`, exact: true });
  }

  snooze(label: string) {
    return this.page.getByRole('combobox', { name: `Snooze ${label} for`, exact: true });
  }

  reassignTo(label: string) {
    return this.page.getByRole('combobox', { name: `Reassign ${label} to`, exact: true });
  }

  reassign(label: string) {
    return this.page.getByRole('button', { name: `Reassign: ${label}`, exact: true });
  }
}
