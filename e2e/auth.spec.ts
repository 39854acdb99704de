import { expect, test } from '@playwright/test';
import { LoginPage, signInAs } from './pages/login-page';

const NAV_BY_ROLE = {
  'csm@example.com': ['My day', 'Accounts', 'Alerts', 'Experiments'],
  'manager@example.com': ['My day', 'Accounts', 'Alerts', 'Trends', 'Cohorts', 'Experiments', 'Cadence', 'Playbooks'],
  'admin@example.com': ['My day', 'Accounts', 'Alerts', 'Trends', 'Cohorts', 'Experiments', 'Model', 'Cadence', 'Playbooks', 'Triggers', 'Users', 'API keys', 'API', 'Import', 'Webhooks', 'Audit log'],
} as const;
const ALL_LINKS = NAV_BY_ROLE['admin@example.com'];

test.describe('sign-in and role navigation', () => {
  for (const [email, links] of Object.entries(NAV_BY_ROLE)) {
    test(`${email} sees exactly the navigation of the role`, async ({ page }) => {
      await signInAs(page, email);
      const nav = page.getByRole('navigation', { name: 'Main' }).first();
      for (const name of links) await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
      for (const name of ALL_LINKS.filter((l) => !(links as readonly string[]).includes(l))) {
        await expect(nav.getByRole('link', { name, exact: true })).toHaveCount(0);
      }
      // My day comes first.
      await expect(nav.getByRole('link').first()).toHaveText('My day');
      await expect(page.locator('header').getByText(email)).toBeVisible();
      // The shell shows the size of the portfolio the user sees.
      await expect(page.getByTestId('portfolio-size')).toContainText(/\d+ (of your )?accounts/);
    });
  }

  test('an anonymous visit is sent to sign-in and back afterwards', async ({ page }) => {
    await page.goto('/trends');
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Ftrends/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await new LoginPage(page).signIn('manager@example.com');
    await expect(page).toHaveURL(/\/trends$/);
    await expect(page.getByRole('heading', { name: 'Trends' })).toBeVisible();
  });

  test('a wrong password shows a clear error and does not sign in', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn('csm@example.com', 'not-the-password');
    await expect(login.error).toHaveText('Wrong email or password.');
    await expect(page).toHaveURL(/\/login/);
    await page.goto('/accounts');
    await expect(page).toHaveURL(/\/login/);
  });

  test('a CSM opening an admin page is refused', async ({ page }) => {
    await signInAs(page, 'csm@example.com');
    for (const path of ['/admin/model', '/admin/users', '/trends']) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    }
  });

  test('a manager is refused admin pages but opens analytics', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    expect((await page.goto('/admin/api-keys'))?.status()).toBe(403);
    expect((await page.goto('/cohorts'))?.status()).toBe(200);
  });

  test('signing out ends the session', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto('/admin/model');
    await expect(page).toHaveURL(/\/login/);
  });
});
