/**
 * Names that JavaScript objects treat specially, sent in every place a name comes in through the
 * write paths (REST commands, Segment calls, CSV files), against a real database: each is
 * stored as a plain name or refused naming the field, and no shared object of the process changes.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseJsonDict } from '@/lib/dict';
import { eventSchema } from '@/lib/ingest/schemas';
import { guessMapping } from '@/lib/ingest/csv';
import type { Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { packedDays, packedTypeDays } from '@/lib/testing/packed-aggregates';
import { rebuildAggregates } from './aggregates';
import { upsertAccounts, upsertContacts } from './commands/accounts';
import { prepareDatabase } from './commands/catalogue';
import { ingestEvents } from './commands/events';
import { rescorePending } from './commands/rescore-pending';
import { ingestSegment } from './commands/segment';
import { importStatus, saveUpload, startCheck, startImport } from './imports/csv-import';
import { getAccountDetail } from './queries/account-detail';
import { listUnmappedNames } from './queries/triggers';

const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const PLAIN = NAMES.filter((n) => n !== '__proto__');
const NOW = Date.now();
const at = (daysAgo: number) => new Date(NOW - daysAgo * 86_400_000).toISOString();
/** An object with each name as an own key (JSON keeps `__proto__` as a key; a literal would not). */
const keyed = (value: unknown) => JSON.parse(`{${NAMES.map((n) => `"${n}":${JSON.stringify(value)}`).join(',')}}`) as Record<string, unknown>;

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

describeEngines('names from outside', (t) => {
  let db: Store;
  let before: string[];
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
    before = prototypeKeys();
  });
  afterEach(() => {
    // Nothing was added to the prototype every object shares, and a strict schema still parses.
    expect(prototypeKeys()).toEqual(before);
    expect(eventSchema.safeParse({ accountId: 'a', type: 't', occurredAt: at(1) }).success).toBe(true);
  });

  it('REST: ids, attribute keys, property names and feature names are stored as plain names', async () => {
    await upsertAccounts(db, PLAIN.map((id) => ({ id, name: id, attributes: Object.fromEntries(PLAIN.map((k) => [k, k])) })));
    await upsertContacts(db, PLAIN.map((id) => ({ id, accountId: id, name: id })));
    const events = PLAIN.flatMap((name) => [
      { id: name, accountId: name, contactId: name, type: 'meeting.held', occurredAt: at(2), count: 3, properties: Object.fromEntries(PLAIN.map((k, i) => [k, i % 2 ? 7 : true])) },
      { id: `${name}-f`, accountId: name, type: 'feature.used', occurredAt: at(2), count: 1, properties: { feature: name } },
      { id: `${name}-r`, accountId: name, type: 'outreach.replied', occurredAt: at(2), count: 2, properties: { responseHours: 4, [name]: 1 } },
    ]);
    expect(await ingestEvents(db, events.map((e) => eventSchema.parse(e)))).toMatchObject({ accepted: PLAIN.length * 3 });
    await rescorePending(db);
    const constructorPk = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'constructor'"))!;
    const meetings = (await packedTypeDays(db, 'meeting.held')).filter((r) => r.key.startsWith(`${constructorPk}|`));
    expect(meetings).toHaveLength(1);
    expect(Object.keys(meetings[0]!.props!).sort()).toEqual([...PLAIN].sort());
    const features = [...new Set(Object.values(await packedDays(db)).flatMap((d) => Object.keys(d.features).map((k) => k.slice(k.indexOf('|') + 1))))].sort();
    expect(features).toEqual([...PLAIN].sort());
    // The incremental aggregates equal a rebuild from the raw events.
    const snapshot = () => packedDays(db);
    const incremental = await snapshot();
    await rebuildAggregates(db);
    expect(await snapshot()).toEqual(incremental);
    for (const id of PLAIN) expect((await getAccountDetail(db, id))?.account.id).toBe(id);
  });

  it('REST: __proto__ as a property name is refused, naming the field', async () => {
    const parsed = eventSchema.safeParse({ accountId: 'a', type: 'meeting.held', occurredAt: at(1), properties: keyed(1) });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['properties.__proto__', 'property names must not be __proto__']);
  });

  it('Segment: event names, group and user ids, trait, property and context keys', async () => {
    const calls = [
      ...PLAIN.map((name) => ({ type: 'group', userId: name, groupId: name, traits: { ...keyed('x'), name: `Seg ${name}` } })),
      ...PLAIN.map((name) => ({ type: 'identify', userId: name, traits: keyed('x') })),
      ...NAMES.map((event, i) => ({ type: 'track', userId: PLAIN[i % PLAIN.length], event, properties: keyed(1) })),
      ...PLAIN.map((name) => ({ type: 'track', userId: name, event: 'meeting.held', messageId: name, timestamp: at(1), properties: keyed(2), context: keyed({ groupId: 1 }) })),
    ];
    for (let round = 0; round < 2; round++) {
      const result = await ingestSegment(db, calls, { context: keyed({ count: 1, lastSeenAt: 2 }), createAccounts: false });
      expect(result.skipped.map((s) => s.event).filter(Boolean)).toEqual(NAMES);
      expect(result.events + result.duplicates).toBe(PLAIN.length);
    }
    expect((await listUnmappedNames(db)).map((u) => [u.name, u.count]).sort()).toEqual(NAMES.map((n) => [n, 2]).sort());
    const attributes = (await db.value<string>("SELECT attributes FROM accounts WHERE id = 'toString'"))!;
    expect(Object.keys(parseJsonDict(attributes)).sort()).toEqual([...PLAIN].sort());
  });

  it('CSV: such names as headers, extra columns and cells import as plain names', async () => {
    await upsertAccounts(db, PLAIN.map((id) => ({ id, name: id })));
    const header = ['accountId', 'type', 'occurredAt', 'id', ...NAMES];
    const rows = PLAIN.map((name, i) => [name, 'meeting.held', at(3).slice(0, 10), `csv-${name}`, ...NAMES.map((_, j) => String(i + j))]);
    const text = [header, ...rows].map((r) => r.join(',')).join('\n');
    const token = await saveUpload(db, new Blob([text]).stream(), { filename: 'events.csv', userPk: 1, actor: 'admin@example.com' });
    const settle = async () => {
      for (let i = 0; i < 500; i++) {
        const s = importStatus(token, 1);
        if (s.phase !== 'checking' && s.phase !== 'importing') return s;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('the import did not finish');
    };
    // A mapping naming __proto__ as a column finds no such column.
    startCheck(db, token, 1, { kind: 'events', mapping: { ...guessMapping('events', header), ...JSON.parse('{"contactId":"__proto__"}') }, extras: true, createAccounts: false });
    expect(await settle()).toMatchObject({ phase: 'failed', message: 'The file has no column "__proto__"' });
    startCheck(db, token, 1, { kind: 'events', mapping: guessMapping('events', header), extras: true, createAccounts: false });
    const checked = await settle();
    expect(checked.phase, JSON.stringify(checked)).toBe('checked');
    startImport(db, token, 1, false);
    expect((await settle()).phase).toBe('done');
    const props = (await db.value<string>("SELECT properties FROM events WHERE id = 'csv-constructor'"))!;
    expect(Object.keys(parseJsonDict(props)).sort()).toEqual([...PLAIN].sort());
  });
});
