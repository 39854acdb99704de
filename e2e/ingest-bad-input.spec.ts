/**
 * Bad input through the real HTTP server (the `examples` server, empty portfolio): every case is
 * a 4xx with a clear message naming the item and field, never a 5xx, and the database is unchanged.
 */
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { EXAMPLES_PORT } from '../playwright.config';
import { apiClient, apiKeys, daysAgo } from './support/api';
import { rowCounts } from './support/db';

const BASE = `http://localhost:${EXAMPLES_PORT}`;
let ingest: APIRequestContext;
let read: APIRequestContext;

test.beforeAll(async () => {
  const keys = apiKeys('examples');
  ingest = await apiClient(BASE, keys.ingest);
  read = await apiClient(BASE, keys.read);
  // One known account, so that events can be valid in every way but the one under test.
  const res = await ingest.post('/api/v1/accounts', { data: [{ id: 'BAD-INPUT', name: 'Bad Input Ltd' }] });
  expect(res.status(), await res.text()).toBe(200);
});

const good = (extra: Record<string, unknown> = {}) => ({ accountId: 'BAD-INPUT', type: 'meeting.held', occurredAt: daysAgo(1), ...extra });

interface Case {
  name: string;
  path?: string;
  /** a JSON value, or raw text when `raw` */
  body: unknown;
  raw?: boolean;
  status: number;
  /** what the message must say */
  message: RegExp;
  /** [index, path] of the details expected */
  details?: [number | undefined, string | RegExp][];
}

const CASES: Case[] = [
  { name: 'malformed JSON', body: '[{"accountId": "BAD-INPUT", ', raw: true, status: 400, message: /not valid JSON/ },
  { name: 'an empty body', body: '', raw: true, status: 400, message: /empty/ },
  { name: 'an object instead of an array', body: good(), status: 400, message: /JSON array/ },
  { name: 'an empty batch', body: [], status: 400, message: /batch is empty/ },
  { name: 'wrong types', body: [good(), good({ count: '5' }), good({ accountId: 42 })], status: 400, message: /2 invalid items/, details: [[1, 'count'], [2, 'accountId']] },
  { name: 'missing fields', body: [{ accountId: 'BAD-INPUT', type: 'meeting.held' }], status: 400, message: /invalid item/, details: [[0, 'occurredAt']] },
  { name: 'unknown fields', body: [good({ acountId: 'typo' })], status: 400, message: /invalid item/, details: [[0, '(item)']] },
  { name: 'huge strings', body: [good({ id: 'x'.repeat(10_000) }), good({ properties: { note: 'y'.repeat(5_000) } })], status: 400, message: /2 invalid items/, details: [[0, 'id'], [1, 'properties.note']] },
  { name: 'control characters', body: [good({ id: 'evt\u0000one' }), good({ source: 'bell\u0007' })], status: 400, message: /invalid item/, details: [[0, 'id'], [1, 'source']] },
  { name: 'bad dates', body: [good({ occurredAt: 'yesterday' }), good({ occurredAt: '2026-02-30T10:00:00Z' }), good({ occurredAt: '1899-01-01' }), good({ occurredAt: '2026-13-01' })], status: 400, message: /4 invalid items/, details: [[0, 'occurredAt'], [1, 'occurredAt'], [2, 'occurredAt'], [3, 'occurredAt']] },
  { name: 'zero, negative and fractional counts', body: [good({ count: 0 }), good({ count: -3 }), good({ count: 1.5 })], status: 400, message: /3 invalid items/, details: [[0, 'count'], [1, 'count'], [2, 'count']] },
  { name: 'duplicate ids inside one batch', body: [good({ id: 'dup' }), good({ id: 'other' }), good({ id: 'dup' })], status: 400, message: /invalid item/, details: [[2, 'id']] },
  { name: 'an unknown account', body: [good(), good({ accountId: 'NOBODY' })], status: 400, message: /invalid item/, details: [[1, 'accountId']] },
  { name: 'an unknown trigger', body: [good({ type: 'Signed Up' })], status: 400, message: /invalid item/, details: [[0, 'type']] },
  { name: 'a createAccounts flag that is not true or false', path: '/api/v1/events?createAccounts=yes', body: [good()], status: 400, message: /createAccounts must be true or false/ },
  { name: 'too many items', body: Array.from({ length: 10_001 }, () => good()), status: 400, message: /At most 10000 items/ },
  { name: 'an oversized body (over 8 MB)', body: `[${Array(4_500).fill(JSON.stringify(good({ properties: { pad: 'z'.repeat(1_900) } }))).join(',')}]`, raw: true, status: 413, message: /limit/ },
  { name: 'accounts: wrong tier, negative ARR, bad email', path: '/api/v1/accounts', body: [{ id: 'A1', name: 'A', tier: 'platinum' }, { id: 'A2', name: 'B', arr: -5 }, { id: 'A3', name: 'C', ownerEmail: 'not-an-email' }], status: 400, message: /3 invalid items/, details: [[0, 'tier'], [1, 'arr'], [2, 'ownerEmail']] },
  { name: 'accounts: a blank name', path: '/api/v1/accounts', body: [{ id: 'A1', name: '   ' }], status: 400, message: /invalid item/, details: [[0, 'name']] },
  { name: 'contacts: an unknown account and a bad role', path: '/api/v1/contacts', body: [{ id: 'c1', accountId: 'NOBODY' }, { id: 'c2', accountId: 'BAD-INPUT', role: 'boss' }], status: 400, message: /invalid item/, details: [[1, 'role']] },
  { name: 'contacts: an unknown account', path: '/api/v1/contacts', body: [{ id: 'c1', accountId: 'NOBODY' }], status: 400, message: /invalid item/, details: [[0, 'accountId']] },
  { name: 'outcomes: an unknown type and a bad date', path: '/api/v1/outcomes', body: [{ accountId: 'BAD-INPUT', type: 'lost', occurredAt: daysAgo(1) }, { accountId: 'BAD-INPUT', type: 'churned', occurredAt: 'soon' }], status: 400, message: /2 invalid items/, details: [[0, 'type'], [1, 'occurredAt']] },
];

async function send(c: Case): Promise<APIResponse> {
  const path = c.path ?? '/api/v1/events';
  // A Buffer is sent byte for byte (a string would be encoded as a JSON string).
  if (c.raw) return ingest.post(path, { data: Buffer.from(c.body as string), headers: { 'content-type': 'application/json' } });
  return ingest.post(path, { data: c.body });
}

test.describe('bad input is refused cleanly', () => {
  for (const c of CASES) {
    test(`${c.name}: ${c.status}, nothing written`, async () => {
      const before = rowCounts('examples');
      const res = await send(c);
      const text = await res.text();
      expect(res.status(), text).toBe(c.status);
      const body = JSON.parse(text) as { error: { code: string; message: string; details?: { index?: number; path: string; message: string }[] } };
      expect(body.error.message).toMatch(c.message);
      if (c.details) {
        const got = (body.error.details ?? []).map((d) => [d.index, d.path] as const);
        for (const [index, path] of c.details) {
          expect(got.some(([i, p]) => i === index && (typeof path === 'string' ? p === path : path.test(p))), `${JSON.stringify(got)} has [${index}, ${path}]`).toBe(true);
        }
        for (const d of body.error.details ?? []) expect(d.message.length).toBeGreaterThan(3);
      }
      expect(rowCounts('examples')).toEqual(before);
    });
  }

  test('keys and scopes: 401 without or with a bad key, 403 with the wrong scope, nothing written', async ({ playwright }) => {
    const before = rowCounts('examples');
    const anonymous = await playwright.request.newContext({ baseURL: BASE });
    expect((await anonymous.post('/api/v1/events', { data: [good()] })).status()).toBe(401);
    expect((await anonymous.post('/api/v1/events', { data: [good()], headers: { authorization: 'Bearer trl_ingest_forged' } })).status()).toBe(401);
    const forbidden = await read.post('/api/v1/events', { data: [good()] });
    expect(forbidden.status()).toBe(403);
    expect((await forbidden.json()).error.message).toMatch(/"read" scope; this call needs "ingest"/);
    const segment = await anonymous.post('/api/segment/v1/track', { data: { userId: 'u', event: 'meeting.held' } });
    expect(segment.status()).toBe(401);
    expect(segment.headers()['www-authenticate']).toMatch(/^Basic/);
    expect(rowCounts('examples')).toEqual(before);
  });

  test('Segment calls: malformed ones are refused with their index and field, nothing written', async () => {
    const keys = apiKeys('examples');
    const basic = { authorization: `Basic ${Buffer.from(`${keys.ingest}:`).toString('base64')}` };
    const before = rowCounts('examples');
    const cases: [string, unknown, number, RegExp][] = [
      ['batch', '{"batch": [', 400, /not valid JSON/],
      ['batch', { batch: 'nope' }, 400, /batch/],
      ['batch', { batch: [{ type: 'track', event: 'meeting.held' }, { type: 'group', userId: 'u' }, { type: 'shout', userId: 'u' }] }, 400, /3 invalid calls/],
      ['track', { userId: 'u', event: 'meeting.held', timestamp: 'not a time', context: { groupId: 'BAD-INPUT' } }, 400, /invalid call/],
      ['identify', { type: 'track', userId: 'u' }, 400, /identify endpoint/],
      ['group', { userId: 'u', groupId: 'G', traits: { name: 'x'.repeat(400) } }, 400, /invalid call/],
      ['nonsense', { userId: 'u' }, 404, /No Segment call "nonsense"/],
    ];
    for (const [call, body, status, message] of cases) {
      const res = await ingest.post(`/api/segment/v1/${call}`, { headers: { ...basic, 'content-type': 'application/json' }, data: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) });
      expect(res.status(), `${call}: ${await res.text()}`).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
    }
    expect(rowCounts('examples')).toEqual(before);
  });

  test('after all that, a good batch is written and counted once', async () => {
    const before = rowCounts('examples');
    const batch = [good({ id: 'clean-1' }), good({ id: 'clean-2', count: 3 })];
    const first = await ingest.post('/api/v1/events', { data: batch });
    expect(first.status(), await first.text()).toBe(200);
    expect(await first.json()).toEqual({ accepted: 2, duplicates: 0 });
    expect(first.headers()['x-ratelimit-remaining']).toMatch(/^\d+$/);
    const written = rowCounts('examples');
    expect(written.events).toBe(before.events + 2);
    expect(written.aggregates).not.toBe(before.aggregates);
    expect(await (await ingest.post('/api/v1/events', { data: batch })).json()).toEqual({ accepted: 0, duplicates: 2 });
    // Re-sent ids change nothing, the aggregates included.
    expect(rowCounts('examples')).toEqual(written);
  });
});
