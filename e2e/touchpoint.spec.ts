import { expect, test } from '@playwright/test';
import { AccountPage } from './pages/account-page';
import { signInAs } from './pages/login-page';
import { apiClient, apiKeys, daysAgo } from './support/api';

interface Detail {
  id: string;
  name: string;
  score: number | null;
  cadence: { key: string; overdue: boolean }[];
  tasks: { title: string }[];
  dimensions: { key: string; measures: { key: string; inputs: { n?: number } }[] }[];
}

const meetingsOf = (d: Detail) => d.dimensions.find((x) => x.key === 'frequency')!.measures.find((m) => m.key === 'meetings')!.inputs.n ?? 0;

test('a CSM logs a call on an account with an overdue touchpoint: cadence, score, timeline and search follow at once', async ({ page, baseURL }) => {
  const read = await apiClient(baseURL!, apiKeys('demo').read);
  const detail = async (id: string) => (await (await read.get(`/api/v1/accounts/${encodeURIComponent(id)}`)).json()) as Detail;

  // An account of the CSM whose weekly touchpoint is overdue: a strategic account whose last
  // meeting was 20 days ago, found through the API's filter.
  const ingest = await apiClient(baseURL!, apiKeys('demo').ingest);
  const id = `TP-${Date.now()}`;
  const name = `Touchpoint Trial ${id.slice(-6)}`;
  expect((await ingest.post('/api/v1/accounts', { data: [{ id, name, tier: 'strategic', ownerEmail: 'csm@example.com', startedAt: daysAgo(200) }] })).status()).toBe(200);
  expect((await ingest.post('/api/v1/events', { data: [{ accountId: id, type: 'meeting.held', occurredAt: daysAgo(20) }, { accountId: id, type: 'product.login', occurredAt: daysAgo(2) }] })).status()).toBe(200);
  await expect.poll(async () => (await detail(id)).cadence.find((i) => i.key === 'touchpoint')?.overdue).toBe(true);
  const listed = await read.get(`/api/v1/accounts?overdue=true&owner=csm@example.com&sort=overdue&q=${encodeURIComponent(name)}`);
  expect(listed.status()).toBe(200);
  expect(((await listed.json()) as { data: { id: string }[] }).data.map((a) => a.id)).toEqual([id]);
  const target: Detail | null = await detail(id);
  expect(target, 'an account of csm@example.com with an overdue touchpoint').not.toBeNull();
  const before = meetingsOf(target!);

  await signInAs(page, 'csm@example.com');
  // The list's filter shows it.
  await page.goto(`/accounts?overdue=true&q=${encodeURIComponent(target!.name)}`);
  await expect(page.getByRole('checkbox', { name: 'Overdue touchpoints' })).toBeChecked();
  const row = page.getByRole('table', { name: 'Accounts with their engagement scores' }).locator('tbody tr').filter({ hasText: target!.name });
  await row.getByRole('link', { name: target!.name }).click();

  const account = new AccountPage(page);
  await expect(page.getByRole('heading', { name: target!.name, level: 1 })).toBeVisible();
  await expect(account.cadenceItem('touchpoint')).toContainText(/Overdue (by \d+ days?|since today)/);

  await account.openLogDialog();
  const dialog = account.dialog;
  // A note needs its text: refused, named at the field, the kind kept as chosen.
  await dialog.getByLabel('Kind').selectOption('note');
  await dialog.getByRole('button', { name: 'Log note' }).click();
  await expect(dialog.getByText('Write the note')).toBeVisible();
  await expect(dialog.getByLabel('Kind')).toHaveValue('note');
  await expect(dialog.getByLabel('Note', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Kind').selectOption('call');
  await dialog.getByLabel('Minutes spent (optional)').fill('25');
  await dialog.getByLabel('Executive attended').check();
  const note = `Walked the sponsor through the rollout: 100% on_track, "no blockers" (${Date.now()})`;
  await dialog.getByLabel('Note (optional)').fill(note);
  await dialog.getByRole('button', { name: 'Log call' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Call logged' })).toBeVisible();

  // The cadence item is no longer overdue, and says what fulfilled it.
  await expect(account.cadenceItem('touchpoint')).not.toContainText('Overdue');
  await expect(account.cadenceItem('touchpoint')).toContainText(/Last done .*: Meeting held/);

  // The score and its breakdown count the call.
  const after = await detail(target!.id);
  expect(meetingsOf(after)).toBe(before + 1);
  expect(after.cadence.find((i) => i.key === 'touchpoint')!.overdue).toBe(false);
  await expect(account.score).toHaveText(after.score === null ? '—' : after.score.toFixed(1));
  await account.why.getByText('Interaction frequency').click();
  await expect(account.why.locator('li li').filter({ hasText: 'CSM calls and meetings:' })).toContainText(new RegExp(`\\b${before + 1} meetings?\\b`));

  // The timeline shows it with the CSM's name and the note.
  const entry = account.timeline.getByTestId('timeline-event').filter({ hasText: note });
  await expect(entry).toContainText('Meeting held (call)');
  await expect(entry).toContainText('logged by Casey CSM');
  await expect(entry).toContainText('Executive attended');
  await expect(entry).toContainText('25 min');

  // The note search finds it, its % and _ taken literally, in any case.
  await account.timeline.getByLabel('Search notes').fill('100% ON_TRACK, "NO BLOCKERS"');
  await expect(account.timeline.getByTestId('timeline-event')).toHaveCount(1);
  await expect(account.timeline.getByTestId('timeline-event')).toContainText(note);
  await account.timeline.getByLabel('Search notes').fill('100%_on');
  await expect(account.timeline).toContainText('No notes contain “100%_on”.');
});
