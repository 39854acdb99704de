/**
 * Churn risk and metric cohorts in the browser: a CSM sees an account's risk with its reasons
 * beside the score, and the list sorted by ARR at risk; a manager reads the calibration chart and
 * the metric cohorts on the Cohorts page; the API gives the same risk.
 */
import { expect, test } from '@playwright/test';
import { signInAs } from './pages/login-page';
import { apiClient, apiKeys } from './support/api';

test('a CSM sees the churn risk beside the score, with its reasons, and sorts the list by ARR at risk', async ({ page, baseURL }) => {
  await signInAs(page, 'csm@example.com');
  await page.goto('/accounts?sort=-arrAtRisk');
  const table = page.getByRole('table', { name: 'Accounts with their engagement scores' });
  await expect(table.getByRole('columnheader', { name: /ARR at risk/ })).toHaveAttribute('aria-sort', 'descending');
  const first = table.locator('tbody tr').first();
  const name = (await first.locator('a').first().textContent())!;
  await first.locator('a').first().click();

  const risk = page.getByRole('region', { name: 'Churn risk' });
  await expect(risk).toContainText(/Churn risk \d+% within 90 days/);
  await expect(risk.getByRole('list', { name: 'Why this risk' }).getByRole('listitem').first()).toContainText(/\(typical \d+\) (raises|lowers) the risk most/);
  await expect(risk).toContainText(/Fitted on [\d,]+ accounts, held-out AUC 0\.\d\d/);

  // The API gives the same probability, with the model it comes from.
  const read = await apiClient(baseURL!, apiKeys('demo').read);
  const list = (await (await read.get(`/api/v1/accounts?sort=-arrAtRisk&owner=csm@example.com&q=${encodeURIComponent(name)}`)).json()) as { data: { id: string; churnRisk: number }[] };
  const detail = (await (await read.get(`/api/v1/accounts/${encodeURIComponent(list.data[0]!.id)}`)).json()) as { churnRisk: { probability: number; horizonDays: number; model: { heldOutAuc: number } } };
  expect(detail.churnRisk.horizonDays).toBe(90);
  expect(detail.churnRisk.probability).toBeCloseTo(list.data[0]!.churnRisk, 3);
  await expect(page.getByTestId('churn-risk-probability')).toHaveText(`${Math.round(detail.churnRisk.probability * 100)}%`);
});

test('a manager reads the calibration of the churn risk and the churn by decile of a signal', async ({ page }) => {
  await signInAs(page, 'manager@example.com');
  await page.goto('/cohorts');
  const calibration = page.getByRole('region', { name: /churn risk calibrated/ });
  await expect(calibration.getByTestId('risk-calibration-sentence')).toContainText(/which the fit never saw, the risk ranks a churned account above one that stayed \d+% of the time \(AUC 0\.\d\d/);
  await expect(calibration.getByTestId('risk-calibration-sentence')).toContainText('Brier score');
  // managers read; only admins refit
  await expect(page.getByRole('button', { name: 'Refit the churn risk' })).toHaveCount(0);

  await page.getByLabel('Signal (metric cohorts)').selectOption({ label: 'Product login' });
  const metric = page.getByRole('region', { name: /Does Product login separate the accounts that churned/ });
  await expect(metric.getByTestId('metric-cohort-sentence')).toContainText(/AUC of the value alone 0\.\d\d/);
  await metric.getByText('Show the numbers as a table').click();
  await expect(metric.getByRole('table').locator('tbody tr')).toHaveCount(10);
});

test('an admin refits the churn risk from the Cohorts page', async ({ page }) => {
  await signInAs(page, 'admin@example.com');
  await page.goto('/cohorts');
  await page.getByRole('button', { name: 'Refit the churn risk' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Churn risk fitted on [\d,]+ accounts/ })).toBeVisible({ timeout: 30_000 });
});
