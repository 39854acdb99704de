import { expect, type Page } from '@playwright/test';

export class AccountsPage {
  constructor(private readonly page: Page) {}

  async goto(query = '') {
    await this.page.goto(`/accounts${query}`);
    await expect(this.page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  }

  bandCard(label: string) {
    return this.page.getByRole('group', { name: 'Accounts by health band' }).getByRole('button', { name: new RegExp(`^${label}`) });
  }

  get table() {
    return this.page.getByRole('table', { name: 'Accounts with their engagement scores' });
  }

  get rows() {
    return this.table.locator('tbody tr');
  }

  /** Scores of the visible rows, as numbers. */
  async scores(): Promise<number[]> {
    const texts = await this.rows.locator('td:nth-child(5)').allInnerTexts();
    return texts.map((t) => Number.parseFloat(t));
  }
}
