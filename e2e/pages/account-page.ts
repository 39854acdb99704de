import { expect, type Page } from '@playwright/test';

/** One account's page: its panels by their accessible names, and the touchpoint dialog. */
export class AccountPage {
  constructor(private readonly page: Page) {}

  async goto(id: string) {
    await this.page.goto(`/accounts/${encodeURIComponent(id)}`);
    await expect(this.page.getByTestId('account-score')).toBeVisible();
  }

  get score() {
    return this.page.getByTestId('account-score');
  }

  get why() {
    return this.page.getByRole('region', { name: 'Why this score' });
  }

  get cadence() {
    return this.page.getByRole('region', { name: 'Touchpoint cadence' });
  }

  cadenceItem(key: string) {
    return this.cadence.getByTestId(`cadence-${key}`);
  }

  get tasks() {
    return this.page.getByRole('region', { name: 'Tasks' });
  }

  get timeline() {
    return this.page.getByRole('region', { name: 'Timeline' });
  }

  get dialog() {
    return this.page.getByRole('dialog', { name: 'Log a touchpoint' });
  }

  async openLogDialog() {
    await this.page.getByRole('button', { name: 'Log touchpoint…' }).click();
    await expect(this.dialog).toBeVisible();
  }
}
