/**
 * The model editor on the seeded demo server: an admin changes a weight, sees which accounts
 * move and whether the draft predicts churn better, publishes it and rolls it back. CSMs and
 * managers are refused the pages, and the preview API refuses keys without the admin scope.
 */
import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_MODEL } from '../lib/scoring/default-model';
import { apiClient, apiKeys } from './support/api';
import { signInAs } from './pages/login-page';
import { ModelEditorPage } from './pages/model-editor-page';

const SHOTS = process.env.E2E_SCREENSHOTS;

async function waitForPreview(page: Page) {
  const preview = page.getByRole('region', { name: 'Preview: draft vs live' });
  await expect(preview.getByText(/^Computed in \d+ ms$/)).toBeVisible({ timeout: 30_000 });
  return preview;
}

async function waitForJob(page: Page, version: number) {
  await expect(page.getByRole('status').filter({ hasText: `Version ${version} is live` })).toBeVisible({ timeout: 60_000 });
}

test.describe.configure({ mode: 'serial' });

test.describe('model editor', () => {
  test('an admin changes a weight, previews it, publishes it and rolls it back', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/model');
    await expect(page.getByRole('heading', { name: 'Model', level: 1 })).toBeVisible();
    const preview = await waitForPreview(page);
    await expect(preview.getByRole('heading', { name: 'No account would change band' })).toBeVisible();

    // Give interaction frequency 60 of 100: the other weights make room for it.
    await page.getByLabel('Interaction frequency weight').fill('60');
    await expect(page.getByText('Sum: 100')).toBeVisible();
    await expect(page.getByLabel('Interaction quality weight')).not.toHaveValue('35');
    await expect(preview.getByRole('heading', { name: /^\d+ accounts would change band/ })).toBeVisible({ timeout: 30_000 });
    await expect(preview.getByText(/^Computed in \d+ ms$/)).toBeVisible({ timeout: 30_000 });
    const moves = preview.getByRole('table', { name: /would change band/ });
    await expect(moves.getByRole('row').nth(1)).toBeVisible();
    const validation = preview.getByRole('table', { name: 'Validation of draft and live on history' });
    await expect(validation.getByRole('row', { name: /^AUC/ })).toContainText(/\d\.\d\d/);
    await expect(validation.getByRole('row', { name: /^Retention, Highly engaged/ })).toBeVisible();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/model-editor-preview.png`, fullPage: true });

    // An invalid draft names the field and stops the preview.
    await page.getByLabel('Scoring window (days)').fill('0');
    await expect(page.getByTestId('model-errors')).toContainText('windowDays');
    await expect(page.getByRole('button', { name: 'Publish as a new version' })).toBeDisabled();
    await page.getByLabel('Scoring window (days)').fill('30');
    await expect(page.getByTestId('model-errors')).toHaveCount(0);

    // Publish needs a note.
    await page.getByRole('button', { name: 'Publish as a new version' }).click();
    await expect(page.getByText('Say what changed and why')).toBeVisible();
    await page.getByLabel('Note (what changed and why)').fill('More weight on interaction frequency');
    await page.getByRole('button', { name: 'Publish as a new version' }).click();
    await waitForJob(page, 2);
    const v2 = page.getByRole('listitem', { name: 'Version 2' });
    await expect(v2).toContainText('live');
    await expect(v2).toContainText('More weight on interaction frequency');
    await v2.getByText(/changes? from version 1/).click();
    await expect(v2).toContainText('dimensions[frequency].weight: 30 → 60');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/model-editor-published.png`, fullPage: true });

    // Roll back to version 1: a new version 3 restoring it.
    const v1 = page.getByRole('listitem', { name: 'Version 1' });
    await v1.getByRole('button', { name: 'Restore version 1' }).click();
    await v1.getByRole('button', { name: 'Confirm restoring version 1' }).click();
    await waitForJob(page, 3);
    const v3 = page.getByRole('listitem', { name: 'Version 3' });
    await expect(v3).toContainText('restores version 1');
    await expect(v3).toContainText('live');
    await expect(page.getByLabel('Interaction frequency weight')).toHaveValue('30');

    // Suggested weights: fitted on the earlier half, judged on the later half, loaded as a draft only.
    await page.getByRole('button', { name: 'Suggest weights' }).click();
    const suggestion = page.getByRole('region', { name: 'Suggested weights' });
    await expect(suggestion.getByTestId('held-out')).toHaveText(/Held-out AUC as of \d{4}-\d{2}-\d{2} .* suggested \d\.\d\d, live \d\.\d\d/, { timeout: 30_000 });
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/model-editor-suggested.png` });
    await suggestion.getByRole('button', { name: 'Load suggested weights into the draft' }).click();
    await expect(page.getByText('Suggested weights loaded into the draft')).toBeVisible();
    await expect(page.getByText('Live: version 3. The draft differs from it.')).toBeVisible();
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await expect(page.getByText('Live: version 3. The draft is the live model.')).toBeVisible();

    // The audit log lists both versions with what they changed.
    await page.goto('/admin/audit');
    await expect(page.getByRole('row', { name: /model\.rollback model 3/ })).toContainText('dimensions[frequency].weight: 60 → 30');
    await expect(page.getByRole('row', { name: /model\.published model 2/ })).toContainText('dimensions[frequency].weight: 30 → 60');
  });

  test('an admin adds and removes a measure and overrides a measure for a tier, in the form', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/model');
    await waitForPreview(page);
    const json = page.getByLabel(/^The whole model/);

    // A new count measure in the Product engagement dimension, from the form.
    await page.getByRole('button', { name: 'Add a measure to Product engagement' }).click();
    const form = page.getByRole('group', { name: 'New measure in Product engagement' });
    await form.getByLabel('Label').fill('Exports run');
    await form.getByRole('combobox', { name: 'Event', exact: true }).selectOption('feature.used');
    await form.getByRole('button', { name: 'Add measure' }).click();
    await expect(json).toHaveValue(/"key": "exports_run",\s*"label": "Exports run",\s*"kind": "count",\s*"event": "feature.used"/);
    const points = page.locator('#f-dimensions-3-measures-1-points');
    await expect(page.getByText('Exports run (count)')).toBeVisible();
    await expect(points).toHaveValue('1');
    await expect(page.getByTestId('model-errors')).toHaveCount(0);

    // A strategic override (the default model has one for onboarding already) with another cap
    // for meetings; a negative cap is refused with its path.
    await page.getByRole('button', { name: 'Add an override' }).click();
    await page.getByText('Measure points and caps for override 2').click();
    const cap = page.getByLabel('cap of CSM calls and meetings for override 2');
    await expect(cap).toHaveAttribute('placeholder', '40');
    await cap.fill('-5');
    await expect(page.getByTestId('model-errors')).toContainText('overrides[1].measures.meetings');
    await cap.fill('60');
    await expect(page.getByTestId('model-errors')).toHaveCount(0);
    await expect(json).toHaveValue(/"tier": "strategic"\s*\},\s*"measures": \{\s*"meetings": \{\s*"cap": 60\s*\}/);
    await expect(page.getByText('Measure points and caps for override 2 (1 changed)')).toBeVisible();
    if (SHOTS) await page.getByRole('group', { name: 'Overrides' }).screenshot({ path: `${SHOTS}/model-editor-overrides.png` });

    // Removing the new measure and the new override brings back the live model.
    await page.getByRole('button', { name: 'Remove Exports run' }).click();
    await expect(page.getByText('Exports run (count)')).toHaveCount(0);
    await page.getByRole('button', { name: 'Remove override 2' }).click();
    await expect(page.getByRole('button', { name: /^Remove override/ })).toHaveCount(1);
    await expect(page.getByText('The draft is the live model.')).toBeVisible();
  });

  test('an admin adds active days, recency and trend measures in the form, fixes a misordered tier and previews them', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/model');
    const preview = await waitForPreview(page);
    const json = page.getByLabel(/^The whole model/);
    const add = async (kind: string, label: string, event: string) => {
      await page.getByRole('button', { name: 'Add a measure to Interaction frequency' }).click();
      const form = page.getByRole('group', { name: 'New measure in Interaction frequency' });
      await form.getByLabel('Kind').selectOption(kind);
      await form.getByLabel('Label').fill(label);
      await form.getByRole('combobox', { name: 'Event', exact: true }).selectOption(event);
      await form.getByRole('button', { name: 'Add measure' }).click();
    };
    await add('active_days', 'Login days', 'product.login');
    await add('recency', 'Last meeting', 'meeting.held');
    await add('trend', 'Email trend', 'email.exchanged');
    await expect(page.getByText('Login days (active_days)')).toBeVisible();
    await expect(page.getByText('Last meeting (recency)')).toBeVisible();
    await expect(page.getByText('Email trend (trend)')).toBeVisible();
    await expect(json).toHaveValue(/"key": "login_days",\s*"label": "Login days",\s*"kind": "active_days",\s*"event": "product.login",\s*"points": 1,\s*"cap": 20/);
    await page.getByLabel('Points per active day').fill('2');

    // A recency tier out of order is refused at the field, with the reason.
    const maxDays = page.locator('#f-dimensions-0-measures-6-tiers-1-maxDays');
    await maxDays.fill('3');
    await expect(page.getByTestId('model-errors')).toContainText('dimensions[0].measures[6].tiers[1].maxDays');
    await expect(maxDays).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('tiers must be ordered by ascending maxDays').first()).toBeVisible();
    await maxDays.fill('30');
    await expect(page.getByTestId('model-errors')).toHaveCount(0);

    // The draft is previewed with the new measures: the frequency dimension now earns from them.
    await expect(preview.getByRole('heading', { name: /^\d+ accounts? would change band/ })).toBeVisible({ timeout: 30_000 });
    await expect(preview.getByText(/^Computed in \d+ ms$/)).toBeVisible({ timeout: 30_000 });
    if (SHOTS) await page.getByRole('group', { name: 'Measures' }).screenshot({ path: `${SHOTS}/model-editor-new-kinds.png` });
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await expect(page.getByText('The draft is the live model.')).toBeVisible();
  });

  test('a measure reading a key that is not a trigger is refused, at the measure, until it is fixed', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    const editor = new ModelEditorPage(page);
    await editor.goto();
    await editor.waitForPreview();

    // A typo in the event type of the meetings measure (the first "meeting.held" of the JSON).
    await editor.editJson((text) => text.replace('"event": "meeting.held"', '"event": "meeting.hled"'));
    await expect(editor.problems).toContainText('dimensions[0].measures[0].event');
    await expect(editor.problems).toContainText('no trigger "meeting.hled" in the catalogue');
    const meetings = editor.measure('CSM calls and meetings (count)');
    await expect(meetings).toContainText('meeting.hled');
    await expect(meetings).toContainText('no trigger "meeting.hled" in the catalogue');
    await expect(editor.publishButton).toBeDisabled();
    await expect(editor.preview.getByText('Fix the draft to update the preview')).toBeVisible();
    // The server checks the draft it saves against the catalogue too.
    await expect(editor.saveStatus).toHaveText('Draft saved (1 problem to fix before publishing)');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/model-editor-unknown-trigger.png`, fullPage: true });

    await editor.editJson((text) => text.replace('"event": "meeting.hled"', '"event": "meeting.held"'));
    await expect(editor.problems).toHaveCount(0);
    await expect(meetings).not.toContainText('no trigger');
    // Back to the live model: the draft is dropped.
    await expect(page.getByText('The draft is the live model.')).toBeVisible();
    await editor.waitForPreview();
  });

  test('the triggers page creates, renames and retires a trigger', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/triggers');
    const card = page.getByRole('region', { name: 'Triggers' });
    await card.getByLabel('Key', { exact: true }).fill('webinar.attended');
    await card.getByLabel('Label', { exact: true }).fill('Webinar');
    await card.getByRole('button', { name: 'Add trigger' }).click();
    await expect(card.getByRole('row', { name: /webinar\.attended/ })).toBeVisible();
    await card.getByLabel('Label of webinar.attended').fill('Webinar attended');
    await card.getByRole('button', { name: 'Save webinar.attended' }).click();
    await expect(card.getByRole('row', { name: /webinar\.attended/ }).getByText('Saved')).toBeVisible();
    await card.getByRole('button', { name: 'Retire webinar.attended' }).click();
    await expect(card.getByRole('row', { name: /webinar\.attended/ })).toContainText('Retired');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/triggers.png`, fullPage: true });
  });

  for (const email of ['csm@example.com', 'manager@example.com']) {
    test(`${email} is refused the model and triggers pages and the preview`, async ({ page }) => {
      await signInAs(page, email);
      for (const path of ['/admin/model', '/admin/triggers']) expect((await page.goto(path))?.status(), path).toBe(403);
      const answer = await page.request.post('/api/app/model/preview', { data: DEFAULT_MODEL });
      expect(answer.status()).toBe(403);
    });
  }

  test('an admin fits a suggested model, reads it against the live one on the test period, and loads it as a draft', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/model');
    // Start from the live model (an earlier test may have left a draft).
    const discard = page.getByRole('button', { name: 'Discard draft' });
    if (await discard.isEnabled()) await discard.click();
    await waitForPreview(page);
    await page.getByRole('button', { name: 'Suggest a model…' }).click();
    const panel = page.getByRole('region', { name: 'Suggest a model' });
    // The periods come filled in from the history: a training period, and a test period after its horizon.
    await expect(panel.getByLabel('Training from')).not.toHaveValue('');
    await expect(panel.getByLabel('Test to')).not.toHaveValue('');
    // A test period the fit could see through is refused at its field.
    const testFrom = await panel.getByLabel('Test from').inputValue();
    await panel.getByLabel('Test from').fill(await panel.getByLabel('Training to').inputValue());
    await panel.getByRole('button', { name: 'Fit a model' }).click();
    await expect(panel.getByText(/so that the fit never sees the test period/)).toBeVisible({ timeout: 60_000 });
    await panel.getByLabel('Test from').fill(testFrom);
    await panel.getByRole('button', { name: 'Fit a model' }).click();
    // While the server reads and fits, a progress bar says how far it has come.
    await expect(panel.getByRole('progressbar', { name: 'Fitting the suggested model' })).toBeVisible();

    const result = panel.getByTestId('model-suggestion-result');
    await expect(result).toBeVisible({ timeout: 120_000 });
    await expect(result.getByText(/^On the test period.*AUC \d\.\d\d against \d\.\d\d/)).toBeVisible();
    const table = result.getByRole('table', { name: 'The suggested and the live model on the test period' });
    await expect(table.getByRole('row', { name: /^AUC \(0\.5 is chance\) \d\.\d\d \d\.\d\d$/ })).toBeVisible();
    await expect(result.getByText(/^Fitted on [\d,]+ account-dates/)).toBeVisible();
    await result.getByRole('button', { name: 'Load the suggested model into the draft' }).click();
    await expect(page.getByText('The suggested model is loaded into the draft.', { exact: false })).toBeVisible();
    // The draft now reads active days and recency, and the preview compares it with the live model.
    await expect(page.locator('#model-json')).toHaveValue(/"kind": "active_days"/);
    await expect(page.locator('#model-json')).toHaveValue(/"kind": "recency"/);
    await waitForPreview(page);
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await expect(page.getByText('The draft is the live model.')).toBeVisible();
  });

  test('the preview API answers admin keys only', async ({ baseURL }) => {
    const keys = apiKeys('demo');
    for (const scope of ['read', 'ingest'] as const) {
      const refused = await (await apiClient(baseURL!, keys[scope])).post('/api/v1/model/preview', { data: DEFAULT_MODEL });
      expect(refused.status(), scope).toBe(403);
      expect((await refused.json()).error.code).toBe('forbidden');
    }
    const admin = await apiClient(baseURL!, keys.admin);
    const ok = await admin.post('/api/v1/model/preview', { data: { model: { ...DEFAULT_MODEL, dimensions: DEFAULT_MODEL.dimensions.map((d, i) => ({ ...d, weight: [60, 20, 10, 10][i] })) } } });
    expect(ok.status()).toBe(200);
    const body = await ok.json();
    expect(body.distribution).toHaveLength(10);
    expect(body.validation.draft.auc).toEqual(expect.any(Number));
    const bad = await admin.post('/api/v1/model/preview', { data: { ...DEFAULT_MODEL, windowDays: 0 } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.details[0].path).toBe('windowDays');
  });
});
