import { expect, type Page } from '@playwright/test';

/** The Cohorts page: its settings and the figures it shows. */
export class CohortsPage {
  constructor(private readonly page: Page) {}

  async goto(query = '') {
    const response = await this.page.goto(`/cohorts${query ? `?${query}` : ''}`);
    await expect(this.page.getByRole('heading', { name: 'Cohorts', level: 1 })).toBeVisible();
    return response;
  }

  groupBy(label: string) {
    return this.page.getByLabel('Group by').selectOption({ label });
  }

  metricValue(metric: 'auc' | 'lift' | 'correlation') {
    return this.page.getByTestId(`metric-${metric}-value`);
  }

  metricSentence(metric: 'auc' | 'lift' | 'correlation') {
    return this.page.getByTestId(`metric-${metric}-sentence`);
  }

  get groupTable() {
    return this.page.getByRole('region', { name: /^Churn, renewal and expansion by/ }).getByRole('table');
  }

  /** A row of the groups table by its group label: [accounts, churned, retention, ...] as shown. */
  async groupRow(label: string): Promise<string[]> {
    const row = this.groupTable.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: label, exact: true }) });
    return row.getByRole('cell').allInnerTexts();
  }
}
