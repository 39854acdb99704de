/**
 * The programme's admin pages on the seeded demo server: an admin changes growth's touchpoint
 * interval and publishes it (a refused value is named at its field first), then creates a
 * playbook, sees it described in words and runs the playbooks at once. A manager sees both pages
 * without the controls that change them.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './pages/login-page';

const SHOTS = process.env.E2E_SCREENSHOTS;

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

async function publishGrowthTouchpoint(page: Page, days: string, note: string) {
  await page.getByRole('button', { name: 'Edit cadence' }).click();
  const item = page.getByRole('group', { name: 'Growth: CSM touchpoint' });
  await item.getByLabel('Every (days)').fill(days);
  await page.getByLabel(/^Note/).fill(note);
  await page.getByRole('button', { name: /^Publish as version \d+$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Version \d+ is live\. Cadence recomputed for [\d,]+ accounts/ })).toBeVisible({ timeout: 60_000 });
}

test.describe.configure({ mode: 'serial' });

test.describe('programme administration', () => {
  test('an admin changes growth’s touchpoint interval and publishes it', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.getByRole('navigation', { name: 'Main' }).first().getByRole('link', { name: 'Cadence' }).click();
    await expect(page.getByRole('heading', { name: 'Cadence', level: 1 })).toBeVisible();
    const growth = page.getByRole('region', { name: 'Growth' });
    await expect(growth.getByRole('row', { name: /CSM touchpoint/ })).toContainText('every 14 days (every 2 weeks)');
    await expect(growth.getByRole('row', { name: /CSM touchpoint/ })).toContainText('Meeting held');
    await expect(page.getByRole('region', { name: 'Strategic' }).getByRole('row', { name: /Executive check-in/ })).toContainText('Meeting held with executiveAttended');
    await expect(page.getByTestId('compliance-growth')).toHaveText(/^\d+ of \d+ accounts on cadence now \(\d+%\)$/);
    await expect(page.getByText(/^Nothing published yet:/)).toBeVisible();

    await page.getByRole('button', { name: 'Edit cadence' }).click();
    const item = page.getByRole('group', { name: 'Growth: CSM touchpoint' });
    const every = item.getByLabel('Every (days)');
    await expect(every).toHaveValue('14');
    // Refused by the server, named at the field.
    await every.fill('0');
    await page.getByRole('button', { name: 'Publish as version 1' }).click();
    await expect(item.getByText('At least every day')).toBeVisible();
    await expect(every).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('cadence-errors')).toContainText('tiers.growth[0].everyDays');

    await every.fill('7');
    await expect(item.getByText('every 7 days (weekly)')).toBeVisible();
    await expect(page.getByTestId('cadence-errors')).toHaveCount(0);
    await expectNoSeriousViolations(page, 'cadence editor');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/cadence-editor.png`, fullPage: true });
    await page.getByLabel(/^Note/).fill('Weekly touchpoints for growth accounts');
    await page.getByRole('button', { name: 'Publish as version 1' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Version 1 is live\. Cadence recomputed for [\d,]+ accounts/ })).toBeVisible({ timeout: 60_000 });

    await expect(growth.getByRole('row', { name: /CSM touchpoint/ })).toContainText('every 7 days (weekly)');
    const history = page.getByRole('table', { name: /Published cadence versions/ });
    await expect(history.getByRole('row', { name: /^1 live/ })).toContainText('admin@example.com');
    await expect(history.getByRole('row', { name: /^1 live/ })).toContainText('Weekly touchpoints for growth accounts');
    await expectNoSeriousViolations(page, '/admin/cadence');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/cadence.png`, fullPage: true });

    // Back to the demo's interval, so the pages other specs read are as seeded.
    await publishGrowthTouchpoint(page, '14', 'Back to every two weeks');
    await expect(history.getByRole('row', { name: /^2 live/ })).toContainText('Back to every two weeks');
  });

  test('an admin creates a playbook, sees it in words and runs the playbooks at once', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/playbooks');
    await expect(page.getByRole('heading', { name: 'Playbooks', level: 1 })).toBeVisible();
    const table = page.getByRole('table', { name: 'Playbooks' });
    await expect(table.getByRole('row', { name: /Save play for disengaged accounts/ })).toContainText('The band falls to red (Disengaged) or worse');
    await expect(page.getByRole('table', { name: /Recent playbook firings/ }).getByRole('row').nth(1)).toContainText('Created because');

    await page.getByRole('button', { name: 'New playbook' }).click();
    const form = page.getByRole('form', { name: 'New playbook' });
    await expect(form.getByRole('heading', { name: 'New playbook' })).toBeFocused();
    await form.getByLabel('Key').fill('nurture-below-target');
    await form.getByLabel('Name').fill('Nurture account below target');
    await form.getByLabel('Fires when').selectOption({ label: 'The score is under the tier’s target' });
    await expect(form.getByText('In words: The score is under the tier’s target')).toBeVisible();
    await form.getByRole('checkbox', { name: 'Nurture' }).check();
    await form.getByLabel('Step 1', { exact: true }).fill('Plan a value review');
    await form.getByLabel('Step 1 due in (days)').fill('7');
    await expectNoSeriousViolations(page, 'playbook form');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/playbook-form.png`, fullPage: true });
    await form.getByRole('button', { name: 'Create playbook' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Created “Nurture account below target”' })).toBeVisible();

    const row = table.getByRole('row', { name: /Nurture account below target/ });
    await expect(row).toContainText('The score is under the tier’s target');
    await expect(row).toContainText('Nurture');
    await expect(row).toContainText('Plan a value review (within 7 days)');
    await expect(row).toContainText('Active');

    await page.getByRole('button', { name: 'Run now' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Checked [\d,]+ accounts: \d+ playbook runs? started, \d+ ended; \d+ tasks? created, \d+ closed\.$/ })).toBeVisible({ timeout: 60_000 });
    await expectNoSeriousViolations(page, '/admin/playbooks');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/playbooks.png`, fullPage: true });

    await page.getByRole('button', { name: 'Edit Nurture account below target' }).click();
    const edit = page.getByRole('form', { name: 'Edit “Nurture account below target”' });
    await expect(edit.getByLabel('Key')).toHaveAttribute('readonly', '');
    await edit.getByLabel('Step 1 due in (days)').fill('5');
    await edit.getByRole('button', { name: 'Save playbook' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved “Nurture account below target”' })).toBeVisible();
    await expect(row).toContainText('Plan a value review (within 5 days)');

    await page.getByRole('button', { name: 'Switch off Nurture account below target' }).click();
    await expect(page.getByRole('status').filter({ hasText: '“Nurture account below target” is off' })).toBeVisible();
    await expect(row).toContainText('Off');
  });

  test('a manager sees the cadence and the playbooks without changing them', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    await page.goto('/admin/cadence');
    await expect(page.getByRole('region', { name: 'Growth' }).getByRole('row', { name: /CSM touchpoint/ })).toBeVisible();
    await expect(page.getByText('Only admins change it.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Edit cadence' })).toHaveCount(0);
    await page.goto('/admin/playbooks');
    await expect(page.getByRole('table', { name: 'Playbooks' }).getByRole('row', { name: /Save play for disengaged accounts/ })).toBeVisible();
    await expect(page.getByRole('button', { name: /New playbook|Run now|Edit|Switch/ })).toHaveCount(0);
  });
});
