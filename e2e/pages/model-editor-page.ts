import { expect, type Page } from '@playwright/test';

/** The model editor (Admin → Model): the form, the model JSON beside it, the problems list and the preview. */
export class ModelEditorPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/admin/model');
    await expect(this.page.getByRole('heading', { name: 'Model', level: 1 })).toBeVisible();
  }

  get preview() {
    return this.page.getByRole('region', { name: 'Preview: draft vs live' });
  }

  /** Waits for the preview of the current draft. */
  async waitForPreview() {
    await expect(this.preview.getByText(/^Computed in \d+ ms$/)).toBeVisible({ timeout: 30_000 });
  }

  /** What stops the draft from being published, each problem with its path. */
  get problems() {
    return this.page.getByTestId('model-errors');
  }

  get json() {
    return this.page.getByLabel(/^The whole model/);
  }

  /** Rewrites the model JSON (opening its panel when the form hides it). */
  async editJson(change: (text: string) => string) {
    if (!(await this.json.isVisible())) await this.page.getByText('Model JSON', { exact: true }).click();
    await this.json.fill(change(await this.json.inputValue()));
  }

  /** A measure's row in the form, by its label and kind, e.g. "CSM calls and meetings (count)". */
  measure(labelAndKind: string) {
    return this.page.getByRole('listitem').filter({ hasText: labelAndKind });
  }

  get publishButton() {
    return this.page.getByRole('button', { name: 'Publish as a new version' });
  }

  /** The draft's save status (what the server said of the draft it stored). */
  get saveStatus() {
    return this.page.getByRole('status').filter({ hasText: /Draft/ });
  }
}
