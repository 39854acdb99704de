/**
 * Manager analytics on the seeded demo server: Trends and Cohorts in the browser, the same
 * figures through GET /api/v1/cohorts, role and scope checks, and an accessibility scan.
 */
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { CohortAnswer } from '../lib/server/queries/cohorts';
import { aucSentence, correlationSentence, liftSentence, tierSentence } from '../lib/analytics/sentences';
import { formatCount, formatPercent } from '../lib/format';
import { CohortsPage } from './pages/analytics-pages';
import { signInAs } from './pages/login-page';
import { apiClient, apiKeys } from './support/api';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
// The demo fixture holds 15 months of history: a cohort as of 150 days ago, followed up to today.
const AS_OF = isoDay(Math.floor(Date.now() / DAY) * DAY - 150 * DAY);
const HORIZON = 150;

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.describe('manager analytics', () => {
  test('a manager reads the trends, filters them by tier and sees model-version markers', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    await page.goto('/trends');
    await expect(page.getByRole('heading', { name: 'Trends', level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Is the portfolio’s engagement rising or falling?' })).toBeVisible();
    await expect(page.getByTestId('mean-score-sentence')).toHaveText(/^The mean score (rose|fell|did not change)/);
    await expect(page.getByTestId('band-share-sentence')).toContainText('Share of active accounts per band');
    await expect(page.getByRole('region', { name: 'Is the portfolio’s engagement rising or falling?' }).getByText('model v1')).toBeVisible();
    const everyone = await page.getByTestId('migration-sentence').innerText();
    expect(everyone).toMatch(/^Of the \d+ accounts active on/);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Tier', { exact: true }).selectOption({ label: 'Nurture' });
    await expect(page).toHaveURL(/tier=nurture/);
    await expect(page.getByTestId('migration-sentence')).not.toHaveText(everyone);
    const count = (s: string) => Number(/^Of the (\d+)/.exec(s)![1]);
    expect(count(await page.getByTestId('migration-sentence').innerText())).toBeLessThan(count(everyone));
  });

  test('a manager sees how the accounts keep their cadence, by CSM and by tier', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    await page.goto('/trends');
    const byCsm = page.getByRole('region', { name: 'Which CSMs keep their accounts on cadence today?' });
    const byTier = page.getByRole('region', { name: 'Which tiers are kept on cadence today?' });
    await expect(byCsm.getByTestId('compliance-owner-sentence')).toHaveText(/^\d+\.\d% of the \d+ accounts with a cadence have no touchpoint overdue; most on cadence: .+ \(\d+%\); furthest behind: .+ \(\d+%\)\.$/);
    await byCsm.getByText('Show the numbers as a table').click();
    const rows = byCsm.getByRole('table').locator('tbody tr');
    await expect(rows.filter({ hasText: 'csm@example.com' })).toHaveCount(1);
    expect(await rows.count()).toBeGreaterThan(2);
    await byTier.getByText('Show the numbers as a table').click();
    await expect(byTier.getByRole('table').getByRole('rowheader')).toHaveText(['Strategic', 'Growth', 'Core']);
    // The page's filters narrow it: one tier, one row.
    await page.getByLabel('Tier', { exact: true }).selectOption({ label: 'Growth' });
    await expect(page).toHaveURL(/tier=growth/);
    await expect(byTier.getByRole('table').getByRole('rowheader')).toHaveText(['Growth']);
  });

  test('a manager reads the cohorts, changes the grouping, and the API returns the same figures', async ({ page, baseURL }) => {
    await signInAs(page, 'manager@example.com');
    const cohorts = new CohortsPage(page);
    await cohorts.goto(`asOf=${AS_OF}&horizonDays=${HORIZON}`);
    await expect(cohorts.metricSentence('auc')).toContainText('Take one account that stayed and one that churned');
    // The companion metrics arrive on their own; the demo data has no referral trigger and the page says so.
    await expect(page.getByTestId('companion-sentence')).toContainText('“Highly engaged” against “Disengaged” accounts');
    await expect(page.getByTestId('referral-note')).toHaveText(/^Referral frequency is not shown: the trigger catalogue has no referral trigger/);
    expect(await seriousViolations(page)).toEqual([]);

    await cohorts.groupBy('Tier');
    await expect(page).toHaveURL(/groupBy=tier/);
    await expect(page.getByRole('heading', { name: 'Churn, renewal and expansion by tier' })).toBeVisible();

    const read = await apiClient(baseURL!, apiKeys('demo').read);
    const res = await read.get(`/api/v1/cohorts?asOf=${AS_OF}&horizonDays=${HORIZON}&groupBy=tier`);
    expect(res.status(), await res.text()).toBe(200);
    const api = (await res.json()) as CohortAnswer;
    expect(api).toMatchObject({ asOf: AS_OF, horizonDays: HORIZON, groupBy: 'tier' });
    expect(api.groups.map((g) => g.key)).toEqual(['strategic', 'growth', 'core', 'nurture']);

    await expect(cohorts.metricValue('auc')).toHaveText(api.auc === null ? '—' : api.auc.toFixed(2));
    await expect(cohorts.metricValue('lift')).toHaveText(api.lift === null ? '—' : `${api.lift.toFixed(1)}x`);
    await expect(cohorts.metricValue('correlation')).toHaveText(api.correlation === null ? '—' : api.correlation.toFixed(2));
    await expect(cohorts.metricSentence('auc')).toHaveText(aucSentence(api));
    await expect(cohorts.metricSentence('lift')).toHaveText(liftSentence(api));
    await expect(cohorts.metricSentence('correlation')).toHaveText(correlationSentence(api));
    await expect(page.getByTestId('tier-auc-sentence')).toHaveText(tierSentence(api.byTier));
    await expect(page.getByTestId('cohort-population')).toContainText(`${formatCount(api.population.active)} accounts were customers`);
    for (const g of api.groups) {
      const [accounts, churned, retention, renewal, expansion] = await cohorts.groupRow(g.label);
      expect([accounts, churned, retention, renewal, expansion], g.label).toEqual([
        formatCount(g.accounts), formatCount(g.churned), formatPercent(g.retention), formatPercent(g.renewal), formatPercent(g.expansion),
      ]);
    }

    const csv = page.waitForEvent('download');
    await page.getByRole('region', { name: 'Churn, renewal and expansion by tier' }).getByRole('button', { name: 'Download CSV' }).click();
    const csvText = fs.readFileSync((await (await csv).path())!, 'utf8');
    expect(csvText.split('\n')[0]).toContain('Tier,Accounts,Churned,Retention');
    expect(csvText).toContain(`Strategic,${api.groups[0]!.accounts},${api.groups[0]!.churned}`);

    const png = page.waitForEvent('download');
    await page.getByRole('region', { name: /^How many accounts stayed/ }).getByRole('button', { name: 'Download PNG' }).click();
    const pngFile = await png;
    expect(pngFile.suggestedFilename()).toMatch(/^trellis-retention-by-tier-.*\.png$/);
    expect(fs.readFileSync((await pngFile.path())!).subarray(1, 4).toString()).toBe('PNG');
  });

  test('a CSM is refused both pages and their data, and the API checks the key scope', async ({ page, baseURL }) => {
    await signInAs(page, 'csm@example.com');
    for (const path of ['/trends', '/cohorts']) {
      expect((await page.goto(path))?.status(), path).toBe(403);
      await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    }
    for (const path of ['/api/app/cohorts', '/api/app/cohorts/companions', '/api/app/trends']) expect((await page.request.get(path)).status(), path).toBe(403);

    const keys = apiKeys('demo');
    const anonymous = await page.request.fetch(`${baseURL}/api/v1/cohorts`, { headers: { authorization: '' } });
    expect(anonymous.status()).toBe(401);
    const ingest = await (await apiClient(baseURL!, keys.ingest)).get('/api/v1/cohorts');
    expect(ingest.status()).toBe(403);
    expect((await ingest.json()).error.code).toBe('forbidden');
    for (const scope of ['read', 'admin'] as const) expect((await (await apiClient(baseURL!, keys[scope])).get('/api/v1/cohorts')).status(), scope).toBe(200);
    const bad = await (await apiClient(baseURL!, keys.read)).get('/api/v1/cohorts?groupBy=region&horizonDays=0');
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(['groupBy', 'horizonDays']);
  });
});
