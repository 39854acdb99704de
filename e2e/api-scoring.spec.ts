/**
 * SCORING.md's worked examples through the HTTP API of a running server, on an empty portfolio
 * whose feature catalogue has 3 core, 2 advanced and 4 basic features.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { EXAMPLES_PORT } from '../playwright.config';
import { apiClient, apiKeys, daysAgo } from './support/api';

const BASE = `http://localhost:${EXAMPLES_PORT}`;
let ingest: APIRequestContext;
let read: APIRequestContext;
let admin: APIRequestContext;

test.beforeAll(async () => {
  const keys = apiKeys('examples');
  ingest = await apiClient(BASE, keys.ingest);
  read = await apiClient(BASE, keys.read);
  admin = await apiClient(BASE, keys.admin);
});

const event = (accountId: string, type: string, days: number, extra: Record<string, unknown> = {}) => ({ accountId, type, occurredAt: daysAgo(days), ...extra });
const times = (n: number, make: () => Record<string, unknown>) => Array.from({ length: n }, make);

async function post(path: string, body: unknown) {
  const res = await ingest.post(path, { data: body });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function account(id: string) {
  const res = await read.get(`/api/v1/accounts/${id}`);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

/**
 * Scores follow the events within a second (the server rescores the touched accounts just after
 * the commit): reads retry for up to 2 s until `check` passes, then return what they saw.
 */
async function fresh<T>(readIt: () => Promise<T>, check: (value: T) => void): Promise<T> {
  let seen: T | undefined;
  await expect(async () => {
    seen = await readIt();
    check(seen);
  }).toPass({ timeout: 2_000, intervals: [50, 100, 200] });
  return seen as T;
}

test.describe.serial('worked examples through the HTTP API', () => {
  test('example 4: the default model scores one account 61.0, yellow', async () => {
    await post('/api/v1/accounts', [{ id: 'EX4', name: 'Example Four', tier: 'growth', startedAt: daysAgo(400) }]);
    await post('/api/v1/contacts', [
      { id: 'ex4-sponsor', accountId: 'EX4', name: 'Sam Sponsor', role: 'executive_sponsor', department: 'Finance' },
      { id: 'ex4-ch-ops', accountId: 'EX4', role: 'champion', department: 'Ops' },
      { id: 'ex4-ch-it', accountId: 'EX4', role: 'champion', department: 'IT' },
      { id: 'ex4-pu-1', accountId: 'EX4', role: 'power_user', department: 'Ops' },
      { id: 'ex4-pu-2', accountId: 'EX4', role: 'power_user', department: 'Ops' },
      { id: 'ex4-pu-3', accountId: 'EX4', role: 'power_user', department: 'Ops' },
      { id: 'ex4-user', accountId: 'EX4', role: 'user', department: 'Sales' },
    ]);
    const events = [
      event('EX4', 'support.interaction', 300),
      event('EX4', 'meeting.held', 20, { contactId: 'ex4-sponsor', properties: { onTime: true, activeParticipation: true, strategic: true } }),
      event('EX4', 'meeting.held', 12, { contactId: 'ex4-ch-ops', properties: { onTime: true, executiveAttended: true, followThrough: true } }),
      event('EX4', 'meeting.held', 4, { contactId: 'ex4-ch-it', properties: { onTime: true } }),
      ...times(12, () => event('EX4', 'email.exchanged', 15, { contactId: 'ex4-user' })),
      event('EX4', 'product.login', 10, { count: 10, contactId: 'ex4-pu-1' }),
      event('EX4', 'product.login', 9, { count: 8, contactId: 'ex4-pu-2' }),
      event('EX4', 'product.login', 8, { count: 5, contactId: 'ex4-pu-3' }),
      ...times(2, () => event('EX4', 'support.interaction', 5)),
      event('EX4', 'training.attended', 3),
      ...times(8, () => event('EX4', 'outreach.sent', 25)),
      ...times(6, () => event('EX4', 'outreach.replied', 24, { properties: { responseHours: 6 } })),
      ...['c1', 'c2', 'a1', 'b1', 'b2'].map((feature) => event('EX4', 'feature.used', 6, { properties: { feature } })),
    ];
    expect(await post('/api/v1/events', events)).toEqual({ accepted: events.length, duplicates: 0 });

    const a = await fresh(() => account('EX4'), (x) => expect(x.score).toBe(61.0));
    expect(a.band.key).toBe('yellow');
    expect(a.band.label).toBe('Moderately engaged');
    const dims = Object.fromEntries(a.dimensions.map((d: { key: string; score: number }) => [d.key, d.score]));
    expect(dims).toEqual({ frequency: 47.8, quality: 63.3, breadth: 79.2, product: 57.7 });
    const frequency = a.dimensions.find((d: { key: string }) => d.key === 'frequency');
    // Example 2: 15 + 20 (capped) + 4 + 6 + 10 = 55 of 115.
    expect(frequency.measures.map((m: { points: number }) => m.points)).toEqual([15, 20, 4, 6, 10]);
    expect(frequency.points).toBe(55);
    expect(frequency.max).toBe(115);
    const quality = a.dimensions.find((d: { key: string }) => d.key === 'quality');
    expect(quality.measures[0]).toMatchObject({ points: 80, inputs: expect.objectContaining({ numerator: 6, denominator: 8 }) });
    expect(quality.measures[1].points).toBeCloseTo(46.67, 2);

    const list = await (await read.get('/api/v1/accounts?q=example four')).json();
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ id: 'EX4', score: 61.0, band: 'yellow', state: 'scored' });
  });

  test('example 3: 12 touchpoints in the previous window and 8 now is a velocity of -33.3%', async () => {
    await post('/api/v1/accounts', [{ id: 'EX3', name: 'Example Three', tier: 'core', startedAt: daysAgo(400) }]);
    await post('/api/v1/events', [
      ...times(4, () => event('EX3', 'meeting.held', 50)),
      event('EX3', 'product.login', 40, { count: 8 }),
      ...times(3, () => event('EX3', 'email.exchanged', 10)),
      event('EX3', 'product.login', 5, { count: 5 }),
    ]);
    const a = await fresh(() => account('EX3'), (x) => expect(x.touchpoints).toEqual({ previous: 12, current: 8 }));
    expect(a.velocity).toBe(-0.333);
  });

  test('a new event changes score, band, velocity and flags within a second', async () => {
    const listed = async () => (await (await read.get('/api/v1/accounts?q=LIVE')).json()).data[0];
    await post('/api/v1/accounts', [{ id: 'LIVE', name: 'Live Account', tier: 'core', startedAt: daysAgo(400) }]);
    await post('/api/v1/events', [...times(10, () => event('LIVE', 'meeting.held', 45)), event('LIVE', 'outreach.replied', 20), ...times(3, () => event('LIVE', 'outreach.sent', 10))]);
    const before = await fresh(listed, (x) => expect(x.state).toBe('scored'));
    expect(before.velocity).toBe(-1);
    expect(before.flags).toContainEqual({ key: 'unanswered_outreach', severity: 'red' });

    const allGood = { onTime: true, activeParticipation: true, executiveAttended: true, followThrough: true, strategic: true };
    await post('/api/v1/events', [
      ...times(8, () => event('LIVE', 'meeting.held', 0.01, { properties: allGood })),
      ...times(10, () => event('LIVE', 'email.exchanged', 0.01)),
      ...times(2, () => event('LIVE', 'training.attended', 0.01)),
      ...times(5, () => event('LIVE', 'support.interaction', 0.01)),
      event('LIVE', 'outreach.replied', 0.01, { properties: { responseHours: 3 } }),
    ]);
    // The events are stored when the answer comes; the score follows within a second.
    const after = await fresh(listed, (x) => expect(x).toMatchObject({ score: 52.8, band: 'orange', velocity: 1.5 }));
    expect(before).toMatchObject({ score: 14.0, band: 'red' });
    expect(after.flags).not.toContainEqual({ key: 'unanswered_outreach', severity: 'red' });
  });

  test('re-sending events with the same ids does not count them twice', async () => {
    const batch = [event('EX3', 'support.interaction', 1, { id: 'dup-1' }), event('EX3', 'support.interaction', 1, { id: 'dup-2' })];
    expect(await post('/api/v1/events', batch)).toEqual({ accepted: 2, duplicates: 0 });
    const once = await fresh(() => account('EX3'), (x) => expect(x.touchpoints.current).toBe(10));
    expect(await post('/api/v1/events', batch)).toEqual({ accepted: 0, duplicates: 2 });
    const again = await account('EX3');
    expect(again.score).toBe(once.score);
    expect(again.touchpoints.current).toBe(10);
  });

  test('example 1: a one-dimension model over 90 days gives 80.0 and 37.5', async () => {
    const live = await (await read.get('/api/v1/model')).json();
    const model = {
      ...live.model,
      windowDays: 90,
      dimensions: [
        {
          key: 'engagement', label: 'Engagement', weight: 100, measures: [
            { key: 'reviews', label: 'Profile reviews', kind: 'count', event: 'profile.reviewed', points: 1, per: 1, cap: 12 },
            { key: 'answers', label: 'Questions answered', kind: 'count', event: 'question.answered', points: 2, per: 1, cap: 16 },
            { key: 'calls', label: 'Alignment calls', kind: 'count', event: 'alignment.call', points: 4, per: 1, cap: 12 },
          ],
        },
      ],
      overrides: [],
    };
    const published = await admin.put('/api/v1/model', { data: { model, note: 'Worked example 1' } });
    // Answered once the version is stored: 202 while the accounts already there are recomputed in
    // the background (poll the job), 200 when there was nothing to recompute.
    expect([200, 202], await published.text()).toContain(published.status());
    const answer = await published.json();
    expect(answer).toMatchObject({ version: live.version + 1, note: 'Worked example 1', author: expect.stringMatching(/^apikey:/), job: { id: expect.any(String) } });
    await expect.poll(async () => (await (await read.get(`/api/v1/jobs/${answer.job.id}`)).json()).state, { timeout: 30_000 }).toBe('done');
    expect(await (await read.get(`/api/v1/jobs/${answer.job.id}`)).json()).toMatchObject({ id: answer.job.id, kind: 'model.publish', state: 'done', progress: 1, error: null, modelVersion: answer.version });
    const unknown = await read.get('/api/v1/jobs/999999');
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).error.code).toBe('not_found');

    await post('/api/v1/accounts', [{ id: 'EX1A', name: 'Example One A' }, { id: 'EX1B', name: 'Example One B' }]);
    await post('/api/v1/events', [
      ...times(10, () => event('EX1A', 'profile.reviewed', 80)),
      ...times(5, () => event('EX1A', 'question.answered', 45)),
      ...times(3, () => event('EX1A', 'alignment.call', 2)),
      ...times(5, () => event('EX1B', 'profile.reviewed', 89)),
      ...times(3, () => event('EX1B', 'question.answered', 30)),
      event('EX1B', 'alignment.call', 1),
    ]);
    await fresh(() => account('EX1A'), (x) => expect(x.score).toBe(80.0));
    await fresh(() => account('EX1B'), (x) => expect(x.score).toBe(37.5));
  });
});

test.describe('read API access', () => {
  test('refuses requests without a key, with a bad key, or with the wrong scope', async ({ playwright }) => {
    const anonymous = await playwright.request.newContext({ baseURL: BASE });
    const none = await anonymous.get('/api/v1/accounts');
    expect(none.status()).toBe(401);
    expect((await none.json()).error.code).toBe('unauthorized');
    const bad = await anonymous.get('/api/v1/accounts', { headers: { authorization: 'Bearer trl_read_not-a-real-key' } });
    expect(bad.status()).toBe(401);
    const wrongScope = await ingest.get('/api/v1/accounts');
    expect(wrongScope.status()).toBe(403);
    const readCannotWrite = await read.post('/api/v1/events', { data: [] });
    expect(readCannotWrite.status()).toBe(403);
    const readCannotPublish = await read.put('/api/v1/model', { data: {} });
    expect(readCannotPublish.status()).toBe(403);
  });
});
