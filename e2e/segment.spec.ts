/**
 * The official Segment client (@segment/analytics-node) sending to Trellis unmodified: `host`
 * pointed at the running app, `path` at /api/segment/v1/batch, an ingest key as the write key.
 * An admin maps a Segment event name to a trigger in the UI first; the account, the contact and
 * the events arrive, the score moves, and an unmapped name shows up for mapping.
 */
import { Analytics } from '@segment/analytics-node';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiClient, apiKeys } from './support/api';
import { signInAs } from './pages/login-page';

const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE = `http://localhost:${PORT}`;
const ACCOUNT = 'SEG-ACME';
let read: APIRequestContext;

function segmentClient() {
  const errors: unknown[] = [];
  const analytics = new Analytics({ writeKey: apiKeys('demo').ingest, host: BASE, path: '/api/segment/v1/batch', maxEventsInBatch: 50, flushInterval: 200, maxRetries: 0 });
  analytics.on('error', (e) => errors.push(e));
  return { analytics, errors };
}

async function account() {
  const res = await read.get(`/api/v1/accounts/${ACCOUNT}`);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

test.describe.serial('Segment-compatible ingestion', () => {
  test.beforeAll(async () => {
    read = await apiClient(BASE, apiKeys('demo').read);
  });

  test('an admin maps the Segment event name "Meeting Completed" to the meeting.held trigger', async ({ page }) => {
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/triggers');
    await page.getByRole('textbox', { name: 'Incoming event name' }).fill('Meeting Completed');
    await page.getByRole('combobox', { name: 'Counts as trigger' }).selectOption('meeting.held');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await expect(page.getByRole('status')).toContainText('“Meeting Completed” now counts as meeting.held');
    const row = page.getByRole('table', { name: 'Event name mappings' }).getByRole('row', { name: /Meeting Completed/ });
    await expect(row).toContainText('meeting.held');
  });

  test('group and identify through the official client create the account and its contact', async () => {
    const { analytics, errors } = segmentClient();
    analytics.group({ userId: 'seg-ada', groupId: ACCOUNT, traits: { name: 'Segment Acme', tier: 'growth', arr: 48000, industry: 'Software', plan: 'enterprise' } });
    analytics.identify({ userId: 'seg-ada', traits: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@seg-acme.test', role: 'champion', department: 'Operations' } });
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(errors).toEqual([]);
    const a = await account();
    expect(a).toMatchObject({ id: ACCOUNT, name: 'Segment Acme', tier: 'growth', arr: 48000, state: 'no_data', score: null });
    expect(a.stakeholders).toContainEqual(expect.objectContaining({ id: 'seg-ada', name: 'Ada Lovelace', role: 'champion', department: 'Operations' }));
  });

  test('track calls become events: mapped names count, the score moves, messageIds are not counted twice', async ({ page }) => {
    const send = async () => {
      const { analytics, errors } = segmentClient();
      const day = (n: number) => new Date(Date.now() - n * 86_400_000);
      for (let i = 0; i < 4; i++) {
        analytics.track({ userId: 'seg-ada', event: 'Meeting Completed', messageId: `seg-meeting-${i}`, timestamp: day(i + 1), properties: { onTime: true, strategic: i === 0 } });
      }
      analytics.track({ userId: 'seg-ada', event: 'product.login', messageId: 'seg-login-1', timestamp: day(1), context: { groupId: ACCOUNT } });
      analytics.track({ userId: 'seg-ada', event: 'Button Clicked', messageId: 'seg-button-1', timestamp: day(1) });
      analytics.track({ userId: 'seg-ada', event: 'email.exchanged', messageId: 'seg-email-1', timestamp: day(2), properties: { accountId: ACCOUNT, sentiment: 0.5 } });
      await analytics.closeAndFlush({ timeout: 20_000 });
      expect(errors).toEqual([]);
    };
    await send();
    // Scores follow the events within a second (rescored just after the commit).
    await expect.poll(async () => (await account()).touchpoints.current, { timeout: 2_000 }).toBe(6);
    const after = await account();
    expect(after.state).toBe('scored');
    expect(after.score).toBeGreaterThan(0);
    const frequency = after.dimensions.find((d: { key: string }) => d.key === 'frequency');
    expect(frequency.measures.find((m: { key: string }) => m.key === 'meetings').points).toBe(20);

    // The client retrying the same messages changes nothing.
    await send();
    expect((await account()).touchpoints.current).toBe(6);

    // The unmapped name is listed for the admins, who can map it from there.
    await signInAs(page, 'admin@example.com');
    await page.goto('/admin/triggers');
    const unmapped = page.getByRole('list', { name: 'Unmapped event names' }).getByRole('listitem').filter({ hasText: 'Button Clicked' });
    await expect(unmapped).toContainText('2 skipped');
    await unmapped.getByLabel('Trigger for Button Clicked').selectOption('feature.used');
    await unmapped.getByRole('button', { name: 'Map' }).click();
    await expect(page.getByRole('table', { name: 'Event name mappings' }).getByRole('row', { name: /Button Clicked/ })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Unmapped event names' })).toHaveCount(0);
  });

  test('single calls and curl-style Basic auth work too', async ({ playwright }) => {
    const key = apiKeys('demo').ingest;
    const http = await playwright.request.newContext({ baseURL: BASE, httpCredentials: { username: key, password: '', send: 'always' } });
    const res = await http.post('/api/segment/v1/track', { data: { userId: 'seg-ada', event: 'support.interaction', messageId: 'seg-single-1', timestamp: new Date().toISOString() } });
    expect(res.status(), await res.text()).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, events: 1, skipped: [] });
    await expect.poll(async () => (await account()).touchpoints.current, { timeout: 2_000 }).toBe(7);
  });
});
