import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './pages/login-page';

// Each test scans a dozen pages of the demo portfolio (600 accounts), and axe takes seconds on the larger ones.
test.describe.configure({ timeout: 180_000 });

async function expectNoSeriousViolations(page: Page, path: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

test('the sign-in page has no serious accessibility violations', async ({ page }) => {
  await page.goto('/login');
  await expectNoSeriousViolations(page, '/login');
});

test('the CSM pages have no serious accessibility violations', async ({ page }) => {
  await signInAs(page, 'csm@example.com');
  const asOf = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
  for (const path of ['/my-day', '/my-day?all=true', '/accounts', '/accounts?band=red', '/accounts?overdue=true&sort=overdue', `/accounts?asOf=${asOf}`, '/alerts']) {
    await page.goto(path);
    await expect(page.locator('main')).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectNoSeriousViolations(page, path);
  }
  await page.goto('/accounts');
  await page.getByRole('table').getByRole('link').first().click();
  await expect(page.getByTestId('account-score')).toBeVisible();
  await page.getByRole('region', { name: 'Why this score' }).locator('summary').first().click();
  await expectNoSeriousViolations(page, 'account page');
  // The touchpoint form, open as a dialog.
  await page.getByRole('button', { name: 'Log touchpoint…' }).click();
  await expect(page.getByRole('dialog', { name: 'Log a touchpoint' })).toBeVisible();
  await expectNoSeriousViolations(page, 'account page, touchpoint form open');
});

test('the admin pages have no serious accessibility violations', async ({ page }) => {
  await signInAs(page, 'admin@example.com');
  for (const path of ['/my-day?owner=*', '/admin/webhooks', '/admin/model', '/admin/cadence', '/admin/playbooks', '/admin/triggers', '/admin/users', '/admin/api-keys', '/admin/import', '/trends', '/cohorts']) {
    await page.goto(path);
    await expect(page.locator('main')).toBeVisible();
    await expectNoSeriousViolations(page, path);
  }
});

test('the experiments pages have no serious accessibility violations', async ({ page }) => {
  await signInAs(page, 'manager@example.com');
  for (const path of ['/experiments', '/experiments/weekly-vs-monthly-calls', '/experiments/quarterly-reviews-core']) {
    await page.goto(path);
    await expect(page.locator('main')).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectNoSeriousViolations(page, path);
  }
  await page.goto('/experiments');
  await page.getByRole('button', { name: 'New experiment' }).click();
  await expect(page.getByRole('form', { name: 'New experiment' })).toBeVisible();
  await expectNoSeriousViolations(page, 'experiment form');
});
