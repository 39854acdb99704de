import { expect, type Page } from '@playwright/test';
import { OIDC_PORT } from '../../playwright.config';
import { OIDC_CLIENT, type OidcTestAccount } from '../support/oidc';
import { LoginPage } from './login-page';

export const PROVIDER_URL = `http://localhost:${OIDC_PORT}`;

/** The test OpenID provider's own pages (oidc-provider's development login and consent forms). */
export class IdentityProviderPage {
  constructor(private readonly page: Page) {}

  /** From the Trellis sign-in page to the provider's login page. */
  async start(callbackUrl?: string) {
    await new LoginPage(this.page).goto(callbackUrl);
    await this.page.getByRole('button', { name: `Sign in with ${OIDC_CLIENT.name}` }).click();
    await expect(this.page).toHaveURL(new RegExp(`^${PROVIDER_URL}/interaction/`));
  }

  async logIn(account: OidcTestAccount) {
    await this.page.getByPlaceholder('Enter any login').fill(account.login);
    await this.page.getByPlaceholder('and password').fill('any password');
    await this.page.getByRole('button', { name: 'Sign-in' }).click();
  }

  /** The consent page: lets Trellis have the account's email and profile. */
  async consent() {
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }

  async cancel() {
    await this.page.getByRole('link', { name: '[ Cancel ]' }).click();
  }
}

/** Signs in through the provider: Trellis sign-in page, the provider's login and consent pages, back to Trellis. */
export async function signInThroughProvider(page: Page, account: OidcTestAccount, callbackUrl?: string) {
  const provider = new IdentityProviderPage(page);
  await provider.start(callbackUrl);
  await provider.logIn(account);
  await provider.consent();
}
