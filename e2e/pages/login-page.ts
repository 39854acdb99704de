import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'trellis-demo';

export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(callbackUrl?: string) {
    await this.page.goto(callbackUrl ? `/login?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/login');
  }

  async signIn(email: string, password = DEMO_PASSWORD) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** The form's error (Next.js also keeps an empty route announcer with the alert role). */
  get error() {
    return this.page.getByRole('alert').filter({ hasText: /\S/ });
  }
}

/** Signs in through the form and waits for the dashboard shell. */
export async function signInAs(page: Page, email: string) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(email);
  await expect(page.getByRole('navigation', { name: 'Main' }).first()).toBeVisible();
}
