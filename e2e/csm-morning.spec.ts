import fs from 'node:fs';
import Papa from 'papaparse';
import { expect, test } from '@playwright/test';
import { AccountsPage } from './pages/accounts-page';
import { signInAs } from './pages/login-page';

test.describe('the CSM’s morning', () => {
  test('red accounts first, open one, see why, acknowledge its flag, override its band', async ({ page }) => {
    await signInAs(page, 'csm@example.com');
    const accounts = new AccountsPage(page);
    await accounts.goto();
    await expect(page.getByRole('combobox', { name: 'Owner' })).toHaveValue('');
    await expect(page.getByRole('combobox', { name: 'Owner' }).locator('option:checked')).toHaveText('My accounts');

    // The band cards are the way in: red first.
    await accounts.bandCard('Disengaged').click();
    await expect(page).toHaveURL(/band=red/);
    await expect(accounts.bandCard('Disengaged')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('band-action')).toContainText('Disengaged');
    await expect(accounts.rows.first()).toBeVisible();
    const scores = await accounts.scores();
    expect(scores.every((s) => s < 40)).toBe(true);
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);

    // One with a red flag, named in words on its row.
    await page.getByRole('combobox', { name: 'Flag' }).selectOption('unanswered_outreach');
    await expect(page).toHaveURL(/flag=unanswered_outreach/);
    const row = accounts.rows.first();
    await expect(row).toContainText('Unanswered outreach');
    const name = (await row.getByRole('link').innerText()).trim();
    await row.getByRole('link').click();

    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(page.getByTestId('band-action')).toContainText('Next:');
    // Why: every dimension opens into its measures in plain words.
    const why = page.getByRole('region', { name: 'Why this score' });
    await why.getByText('Interaction quality').click();
    await expect(why.getByText(/outreach emails answered|No outreach sent/)).toBeVisible();

    const flags = page.getByRole('region', { name: 'Early-warning flags' });
    await expect(flags).toContainText('Unanswered outreach');
    await flags.getByRole('button', { name: 'Acknowledge: Unanswered outreach' }).click();
    await expect(flags.getByText('Acknowledged').first()).toBeVisible();

    await page.getByRole('button', { name: 'Override band…' }).click();
    const form = page.getByRole('form', { name: 'Override the band' });
    await form.getByRole('button', { name: 'Save override' }).click();
    await expect(form.getByText('Choose the band to show instead')).toBeVisible();
    await expect(form.getByLabel('Band')).toHaveAttribute('aria-invalid', 'true');
    await form.getByLabel('Band').selectOption({ label: 'Moderately engaged' });
    await form.getByLabel('Reason').fill('Sponsor on parental leave; renewal already signed');
    await form.getByRole('button', { name: 'Save override' }).click();
    const override = page.getByTestId('override');
    await expect(override).toContainText('Band overridden to Moderately engaged');
    await expect(override).toContainText('The computed band is Disengaged');
    await expect(page.getByTestId('account-score')).toBeVisible();

    // The acknowledged alert left the open list.
    await page.goto('/alerts?state=acknowledged');
    await expect(page.getByRole('list', { name: 'acknowledged alerts' })).toContainText(name);
  });

  test('filters live in the URL and survive a reload; the export holds the view', async ({ page }) => {
    await signInAs(page, 'csm@example.com');
    const accounts = new AccountsPage(page);
    await accounts.goto();
    await page.getByRole('combobox', { name: 'Owner' }).selectOption('*');
    await page.getByRole('combobox', { name: 'Tier' }).selectOption('growth');
    await page.getByRole('combobox', { name: 'Sort' }).selectOption('-arr');
    await expect(page).toHaveURL(/owner=\*/);
    await expect(page).toHaveURL(/tier=growth/);
    await expect(page).toHaveURL(/sort=-arr/);
    // The back button steps back through the filter changes.
    await page.goBack();
    await expect(page.getByRole('combobox', { name: 'Sort' })).toHaveValue('score');
    await expect(page.getByRole('combobox', { name: 'Tier' })).toHaveValue('growth');
    await page.goForward();
    await expect(page).toHaveURL(/sort=-arr/);
    await page.reload();
    await expect(page.getByRole('combobox', { name: 'Tier' })).toHaveValue('growth');
    await expect(page.getByRole('combobox', { name: 'Sort' })).toHaveValue('-arr');
    await expect(accounts.rows.first()).toBeVisible();
    const total = Number((await page.getByText(/^Showing/).innerText()).match(/of ([\d,]+)/)![1].replace(/,/g, ''));
    // The server's HTML holds the first rows; the rest of the page of 100 follows after hydration.
    await expect(accounts.rows).toHaveCount(Math.min(total, 100));

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const csv = Papa.parse<Record<string, string>>(fs.readFileSync(file!, 'utf8'), { header: true, skipEmptyLines: true });
    expect(csv.meta.fields).toEqual(expect.arrayContaining(['id', 'name', 'tier', 'owner', 'arr', 'score', 'band', 'velocity', 'flags']));
    expect(csv.data).toHaveLength(total);
    expect(csv.data.every((r) => r.tier === 'growth')).toBe(true);
    const arr = csv.data.map((r) => Number(r.arr));
    expect([...arr].sort((a, b) => b - a)).toEqual(arr);
    expect(new Set(csv.data.map((r) => r.owner)).size).toBeGreaterThan(1);
  });

  for (const email of ['manager@example.com', 'admin@example.com']) {
    test(`${email} sees every owner's accounts by default`, async ({ page }) => {
      await signInAs(page, email);
      const accounts = new AccountsPage(page);
      await accounts.goto();
      await expect(page.getByRole('combobox', { name: 'Owner' })).toHaveValue('*');
      await expect(accounts.rows.first()).toBeVisible();
      const owners = await accounts.rows.locator('td:nth-child(3)').allInnerTexts();
      expect(new Set(owners).size).toBeGreaterThan(2);
    });
  }

  test('the next accounts load from the keyboard, and the focus stays on the button', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    const accounts = new AccountsPage(page);
    await accounts.goto('?sort=name');
    const showing = page.getByText(/^Showing [\d,]+ of [\d,]+ accounts$/);
    await expect(showing).toHaveText(/^Showing 100 of /);
    const total = Number(/of ([\d,]+)/.exec(await showing.innerText())![1]!.replace(/,/g, ''));
    expect(total).toBeGreaterThan(200); // the demo has 600
    const more = page.getByRole('button', { name: 'Load more accounts' });
    await more.focus();
    await page.keyboard.press('Enter');
    await expect(showing).toHaveText(/^Showing 200 of /);
    await expect(accounts.rows).toHaveCount(200);
    await expect(more).toBeFocused();
    // Each account once across the two pages.
    const names = await accounts.rows.locator('td:first-child').allInnerTexts();
    expect(new Set(names).size).toBe(200);
    await page.keyboard.press('Enter');
    await expect(showing).toHaveText(/^Showing 300 of /);
    await expect(more).toBeFocused();
  });
});
