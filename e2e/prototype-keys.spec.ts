/**
 * Names that JavaScript objects treat specially (`__proto__`, `constructor`, `prototype`,
 * `toString`, `hasOwnProperty`) sent by an ingest key holder in every place a name comes in:
 * account, contact and event ids, event types and Segment event names, property names, trait
 * keys, context keys, feature names. Each is either stored as a plain name or refused with a 400
 * naming the field, and the API answers exactly as before afterwards (nothing leaked into the
 * server's shared objects).
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiClient, apiKeys, daysAgo } from './support/api';
import { EXAMPLES_PORT } from '../playwright.config';

const BASE = `http://localhost:${EXAMPLES_PORT}`;
const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;
const PLAIN = NAMES.filter((n) => n !== '__proto__');
let ingest: APIRequestContext;
let read: APIRequestContext;

/** Answers that must not change: a list, an account, and a known-good batch. */
async function probe() {
  const list = await read.get('/api/v1/accounts?q=PROTO-BASE');
  const one = await read.get('/api/v1/accounts/PROTO-BASE');
  const good = await ingest.post('/api/v1/events', { data: [{ accountId: 'PROTO-BASE', type: 'profile.reviewed', occurredAt: daysAgo(1) }] });
  const health = await read.get('/api/health');
  return {
    list: { status: list.status(), rows: ((await list.json()) as { data: { id: string; name: string }[] }).data.map((a) => `${a.id} ${a.name}`) },
    one: { status: one.status(), id: ((await one.json()) as { id?: string }).id },
    good: { status: good.status(), body: await good.json() },
    health: health.status(),
  };
}

test.describe.serial('names from outside never reach an object prototype', () => {
  let before: Awaited<ReturnType<typeof probe>>;

  test.beforeAll(async () => {
    ingest = await apiClient(BASE, apiKeys('examples').ingest);
    read = await apiClient(BASE, apiKeys('examples').read);
    const accounts = await ingest.post('/api/v1/accounts', { data: [{ id: 'PROTO-BASE', name: 'Prototype baseline' }] });
    expect(accounts.status(), await accounts.text()).toBe(200);
  });

  test('the baseline answers', async () => {
    before = await probe();
    expect(before).toMatchObject({ one: { status: 200, id: 'PROTO-BASE' }, good: { status: 200, body: { accepted: 1 } }, health: 200 });
  });

  test('REST: such names as ids, attribute keys, property names and feature names are plain names', async () => {
    const accounts = await ingest.post('/api/v1/accounts', {
      data: PLAIN.map((name) => ({ id: name, name, attributes: Object.fromEntries(PLAIN.map((k) => [k, `${k} value`])) })),
    });
    expect(accounts.status(), await accounts.text()).toBe(200);
    const contacts = await ingest.post('/api/v1/contacts', { data: PLAIN.map((name) => ({ id: name, accountId: name, name })) });
    expect(contacts.status(), await contacts.text()).toBe(200);
    const events = await ingest.post('/api/v1/events', {
      data: PLAIN.flatMap((name, i) => [
        { id: name, accountId: name, contactId: name, type: 'profile.reviewed', occurredAt: daysAgo(2), count: 2, properties: Object.fromEntries(PLAIN.map((k, j) => [k, j % 2 ? j : true])) },
        { id: `${name}-feature`, accountId: name, type: 'feature.used', occurredAt: daysAgo(2 + i), properties: { feature: name, [name]: 3 } },
      ]),
    });
    expect(events.status(), await events.text()).toBe(200);
    expect(await events.json()).toEqual({ accepted: PLAIN.length * 2, duplicates: 0 });
    for (const name of PLAIN) {
      const res = await read.get(`/api/v1/accounts/${name}`);
      expect(res.status(), await res.text()).toBe(200);
      expect(((await res.json()) as { id: string }).id).toBe(name);
    }
  });

  test('REST: __proto__ as a property or attribute name, and unknown types named like built-ins, are refused with the field named', async () => {
    const props = await ingest.post('/api/v1/events', {
      data: JSON.parse(`[{"accountId":"PROTO-BASE","type":"profile.reviewed","occurredAt":"${daysAgo(1)}","properties":{"__proto__":1,"count":2}}]`),
    });
    expect(props.status()).toBe(400);
    expect(JSON.stringify(await props.json())).toContain('must not be __proto__');
    const attrs = await ingest.post('/api/v1/accounts', { data: JSON.parse('[{"id":"PROTO-ATTR","name":"x","attributes":{"__proto__":{"count":1}}}]') });
    expect(attrs.status()).toBe(400);
    const types = await ingest.post('/api/v1/events', { data: NAMES.map((type) => ({ accountId: 'PROTO-BASE', type, occurredAt: daysAgo(1) })) });
    expect(types.status()).toBe(400);
    const details = ((await types.json()) as { error: { details: { index: number; path: string }[] } }).error.details;
    expect(details.map((d) => d.index).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(details.every((d) => d.path === 'type')).toBe(true);
  });

  test('Segment: such names as event names, groupIds, user ids, trait, property and context keys', async () => {
    const keyed = (value: unknown) => JSON.parse(`{${NAMES.map((n) => `"${n}":${JSON.stringify(value)}`).join(',')}}`) as Record<string, unknown>;
    const body = {
      context: keyed({ count: 1, lastSeenAt: 2 }),
      batch: [
        ...PLAIN.map((name) => ({ type: 'group', userId: name, groupId: `PROTO-SEG-${name}`, traits: { ...keyed('trait'), name: `Segment ${name}` } })),
        ...PLAIN.map((name) => ({ type: 'identify', userId: name, traits: keyed('trait') })),
        // Unmapped names are skipped and listed for the admins: the list is keyed by these names.
        ...NAMES.map((name, i) => ({ type: 'track', userId: PLAIN[i % PLAIN.length], event: name, properties: keyed(1) })),
        ...PLAIN.map((name) => ({ type: 'track', userId: name, event: 'profile.reviewed', messageId: `seg-${name}`, properties: keyed(5), context: keyed({ groupId: 1 }) })),
      ],
    };
    const auth = `Basic ${Buffer.from(`${apiKeys('examples').ingest}:`).toString('base64')}`;
    for (let round = 0; round < 2; round++) {
      const res = await ingest.post('/api/segment/v1/batch', { data: body, headers: { authorization: auth } });
      expect(res.status(), await res.text()).toBe(200);
      const answer = (await res.json()) as { events: number; duplicates: number; skipped: { event?: string }[] };
      expect(answer.skipped.map((s) => s.event).filter(Boolean)).toEqual([...NAMES]);
      expect(answer.events + answer.duplicates).toBe(PLAIN.length);
    }
    for (const name of PLAIN) {
      const res = await read.get(`/api/v1/accounts/PROTO-SEG-${name}`);
      expect(res.status(), await res.text()).toBe(200);
    }
  });

  test('afterwards the API answers exactly as before', async () => {
    const after = await probe();
    expect(after.one).toEqual(before.one);
    expect(after.good).toEqual(before.good);
    expect(after.health).toBe(200);
    expect(after.list).toEqual(before.list);
    expect(before.list.rows).toEqual(['PROTO-BASE Prototype baseline']);
  });
});
