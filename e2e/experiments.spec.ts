/**
 * Experiments on the seeded demo server: a manager sets up weekly against monthly calls for growth
 * accounts and sees how they were assigned, then reads the finished demo experiment: weekly calls
 * cut churn, by how much, and with what interval. A CSM reads experiments without the form.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './pages/login-page';

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

test.describe.configure({ mode: 'serial' });

test.describe('experiments', () => {
  test('a manager sets up weekly vs monthly calls for growth accounts and sees the assignment', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    await page.getByRole('navigation', { name: 'Main' }).first().getByRole('link', { name: 'Experiments' }).click();
    await expect(page.getByRole('heading', { name: 'Experiments', level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'New experiment' }).click();
    const form = page.getByRole('form', { name: 'New experiment' });
    await expect(form).toBeVisible();

    const name = `Weekly calls vs monthly calls for growth accounts ${Date.now()}`;
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Hypothesis (optional)').fill('Weekly calls cut the churn of growth accounts');
    await form.getByRole('group', { name: 'Tiers' }).getByLabel('Growth').check();
    await expect(form.getByTestId('population-preview')).toHaveText(/^[\d,]+ accounts? match now; each will be assigned to one arm at random\.$/);
    const matching = Number((await form.getByTestId('population-preview').locator('strong').textContent())!.replace(/,/g, ''));
    expect(matching).toBeGreaterThan(10);

    const first = form.getByRole('group', { name: 'Arm 1 (baseline)' });
    await first.getByLabel('Key').fill('monthly');
    await first.getByLabel('Label').fill('Monthly calls');
    await first.getByLabel('CSM touchpoint, every … days').fill('30');
    const second = form.getByRole('group', { name: 'Arm 2', exact: true });
    await second.getByLabel('Key').fill('weekly');
    await second.getByLabel('Label').fill('Weekly calls');
    await second.getByLabel('CSM touchpoint, every … days').fill('7');
    await expectNoSeriousViolations(page, 'experiment form');
    await form.getByRole('button', { name: 'Create and assign' }).click();

    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(page.getByText(/^Created: [\d,]+ accounts were assigned at random, [\d,]+ to Monthly calls and [\d,]+ to Weekly calls\.$/)).toBeVisible();
    const counts = page.getByTestId('arm-counts');
    await expect(counts).toContainText('in Monthly calls');
    await expect(counts).toContainText('in Weekly calls');
    const [monthly, weekly] = (await counts.getByRole('listitem').allTextContents()).map((t) => Number(t.replace(/[^\d]/g, '')));
    expect(monthly! + weekly!).toBe(matching);
    // Stratified: each stratum split evenly, up to one account.
    const strata = (await page.getByRole('table', { name: 'Accounts by stratum and arm' }).getByRole('row').count()) - 1;
    expect(Math.abs(monthly! - weekly!)).toBeLessThanOrEqual(strata);
    await expect(page.getByRole('region', { name: 'Definition' })).toContainText('Weekly calls, weight 1: CSM touchpoint every 7 days');
    await expect(page.getByRole('table', { name: 'Accounts by stratum and arm' })).toContainText('tier growth');
    await expect(page.getByTestId('report-headline')).toContainText('Not significant yet');

    // An account of the experiment says so on its page, with its arm.
    await page.locator('summary', { hasText: 'Accounts and their arms' }).click();
    const listed = page.getByRole('table', { name: 'Accounts and their arms' }).getByRole('row').nth(1);
    const arm = (await listed.getByRole('rowheader').textContent())!;
    const experimentUrl = page.url();
    await listed.getByRole('link').click();
    // It may also have been in the finished demo experiment: its line for this one names this one's arm.
    await expect(page.getByTestId('account-experiments').getByRole('listitem').filter({ hasText: `In experiment ${name},` }))
      .toHaveText(`In experiment ${name}, arm ${arm}${arm === 'Monthly calls' ? ' (the baseline)' : ''}`);
    await page.goto(experimentUrl);

    // Stopped again, so that the other specs find growth accounts on their usual cadence.
    await page.getByRole('button', { name: 'Stop…' }).click();
    await page.getByRole('button', { name: 'Stop the experiment' }).click();
    await expect(page.getByText(/\(stopped by manager@example\.com\)/)).toBeVisible();
  });

  test('the finished demo experiment says weekly calls cut churn, by how much, and how sure', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    await page.goto('/experiments');
    const row = page.getByRole('row', { name: /Weekly vs monthly calls for growth accounts/ });
    await expect(row).toContainText('Finished');
    await row.getByRole('link', { name: 'Weekly vs monthly calls for growth accounts' }).click();
    await expect(page.getByRole('heading', { name: 'Weekly vs monthly calls for growth accounts', level: 1 })).toBeVisible();

    // How much lower, the interval, and whether it is significant yet (on the 150-account test
    // portfolio an arm has about a dozen accounts; on the full demo the interval leaves out 0).
    const headline = page.getByTestId('report-headline');
    const sentence = /^Weekly calls: churn ([\d.]+) points lower than Monthly calls \(95% interval: (?:([\d.]+) to ([\d.]+) points lower|from ([\d.]+) points lower to ([\d.]+) points higher)\)\. (Significant: the interval leaves out no difference|Not significant yet: the interval still holds no difference at all)\.$/;
    await expect(headline).toHaveText(sentence);
    const m = sentence.exec((await headline.textContent())!)!;
    const by = Number(m[1]);
    const significant = m[6]!.startsWith('Significant');
    if (significant) {
      // "a to b points lower": the estimate lies between.
      expect(Number(m[2])).toBeLessThan(by);
      expect(by).toBeLessThan(Number(m[3]));
    } else {
      expect(by).toBeLessThan(Number(m[4]));
      expect(Number(m[5])).toBeGreaterThanOrEqual(0);
    }

    const comparisons = page.getByRole('table', { name: 'Each arm against the baseline' });
    await expect(comparisons.getByRole('row', { name: /Churn rate/ })).toContainText(significant ? 'Significant' : 'Not significant yet');
    await expect(comparisons.getByRole('row', { name: /CSM minutes per account/ })).toContainText('Significant');
    await expect(page.getByRole('table', { name: 'Each arm since the start' }).getByRole('row', { name: /Weekly calls/ })).toBeVisible();
    await page.getByText('How these figures are computed').click();
    await expect(page.getByText(/Welch’s t-test/)).toBeVisible();
    await expect(page.getByText(/unpooled standard error and the Wald interval/)).toBeVisible();

    // The chart, with its exports.
    const chart = page.getByRole('region', { name: "How did each arm's mean score move since the start?" });
    await expect(chart.locator('svg.recharts-surface')).toBeVisible();
    const download = page.waitForEvent('download');
    await chart.getByRole('button', { name: 'Download CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/^trellis-experiment-weekly-vs-monthly-calls-scores-\d{4}-\d{2}-\d{2}\.csv$/);

    // How many accounts a five-point churn difference would take.
    const power = page.getByRole('region', { name: 'How many accounts would it take?' });
    await power.getByLabel('Metric').selectOption('churnRate');
    await power.getByLabel(/Difference to detect/).fill('5');
    await expect(power.getByTestId('power-answer')).toHaveText(/^About [\d,]+ accounts per arm are needed to detect 5 percentage points from the baseline’s [\d.]+%; the smallest arm has [\d,]+: [\d,]+ more per arm\.$/);
    await expectNoSeriousViolations(page, 'finished experiment');
  });

  test('a CSM reads experiments and their reports, without the form', async ({ page }) => {
    await signInAs(page, 'csm@example.com');
    await page.getByRole('navigation', { name: 'Main' }).first().getByRole('link', { name: 'Experiments' }).click();
    await expect(page.getByRole('heading', { name: 'Experiments', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'New experiment' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Quarterly business reviews for core accounts' }).click();
    await expect(page.getByRole('heading', { name: 'Quarterly business reviews for core accounts', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Stop…' })).toHaveCount(0);
    await expect(page.getByTestId('report-headline')).toContainText('Not significant yet');
  });
});
