/**
 * Single sign-on through a real OpenID Connect provider (scripts/e2e-oidc.ts, panva's
 * oidc-provider, on OIDC_PORT), which the demo server is configured for: discovery, the
 * authorization code flow with PKCE, state and nonce, the ID token and UserInfo, and Trellis's
 * rule that only a verified email of an existing Trellis user signs in, with that user's role.
 */
import { expect, test } from '@playwright/test';
import { IdentityProviderPage, signInThroughProvider } from './pages/identity-provider';
import { LoginPage, signInAs } from './pages/login-page';
import { auditCount } from './support/db';
import { OIDC_ACCOUNTS } from './support/oidc';

const CSM_LINKS = ['My day', 'Accounts', 'Alerts'];
const NOT_FOR_CSM = ['Trends', 'Cohorts', 'Model', 'Users', 'API keys', 'Audit log'];

test.describe('single sign-on through an OpenID provider', () => {
  test('a user an admin added without a password signs in with their Trellis role, whatever the provider claims', async ({ page, context }) => {
    const account = OIDC_ACCOUNTS.csm;
    // The provider says this person is an admin (`role` and `groups`); in Trellis they are a CSM.
    expect(account.claims).toMatchObject({ role: 'admin', groups: ['admin', 'trellis-admins'] });
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/users');
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Email').fill(account.claims.email);
    await form.getByLabel('Role').selectOption('csm');
    await expect(form.getByLabel(/^Password/)).toHaveValue('');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect(form.getByRole('status')).toHaveText('Saved.');
    await context.clearCookies();

    const signIns = auditCount('demo', 'auth.signin');
    await signInThroughProvider(page, account, '/alerts');
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.locator('header').getByText(account.claims.email)).toBeVisible();
    expect(auditCount('demo', 'auth.signin')).toBe(signIns + 1);
    const nav = page.getByRole('navigation', { name: 'Main' }).first();
    for (const name of CSM_LINKS) await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
    for (const name of NOT_FOR_CSM) await expect(nav.getByRole('link', { name, exact: true })).toHaveCount(0);
    for (const path of ['/admin/users', '/admin/model', '/trends']) {
      expect((await page.goto(path))?.status()).toBe(403);
      await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    }
    const session = await (await page.request.get('/api/auth/session')).json();
    expect(session.user).toMatchObject({ email: account.claims.email, role: 'csm' });

    // Signing out ends the Trellis session.
    await page.goto('/accounts');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto('/accounts');
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccounts/);
  });

  test('a verified email that is no Trellis user is refused on the sign-in page', async ({ page }) => {
    await signInThroughProvider(page, OIDC_ACCOUNTS.stranger);
    await expect(page).toHaveURL(/\/login\?error=NoTrellisUser$/);
    await expect(new LoginPage(page).error).toHaveText('Single sign-on worked, but there is no Trellis user with that email. Ask an admin to add you.');
    await page.goto('/accounts');
    await expect(page).toHaveURL(/\/login/);
  });

  test('an email the provider has not verified is refused, even a Trellis admin’s', async ({ page }) => {
    expect(OIDC_ACCOUNTS.unverified.claims).toMatchObject({ email: 'admin@example.com', email_verified: false });
    await signInThroughProvider(page, OIDC_ACCOUNTS.unverified);
    await expect(page).toHaveURL(/\/login\?error=EmailNotVerified$/);
    await expect(new LoginPage(page).error).toHaveText('Your identity provider has not verified your email address, so it cannot be matched to a Trellis user.');
    await page.goto('/admin/users');
    await expect(page).toHaveURL(/\/login/);
  });

  test('cancelling at the provider comes back to the sign-in page with a readable message', async ({ page }) => {
    const provider = new IdentityProviderPage(page);
    await provider.start();
    await provider.cancel();
    await expect(page).toHaveURL(/\/login\?.*error=Callback$/);
    await expect(new LoginPage(page).error).toHaveText('Single sign-on did not complete (it was cancelled, or the identity provider refused it). Try again.');
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  });
});
