/** AggregateReader's streaming reads of the packed blocks against the blocks decoded whole, edge cases included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { seedDemo } from '@/db/seed';
import { DAY_MS } from '@/lib/scoring';
import { createTempDb } from '@/lib/testing/temp-db';
import { applyEventsToAggregates, rebuildAggregates, type AggregatableEvent } from '../commands/aggregates';
import { prepareDatabase } from '../commands/catalogue';
import { aggregatedEventCount, AggregateReader, contactActivity, readAccountDays, type AggregateSink } from './aggregate-reader';

const END = Date.UTC(2026, 0, 10);
const TO_DAY = END / DAY_MS;
const FROM_DAY = TO_DAY - 61;

let db: Db;
let cleanup: () => void;
beforeAll(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
  seedDemo(db, { accounts: 12, months: 3, seed: 3, end: new Date(END), aggregate: (d) => void rebuildAggregates(d) });
  // Added through the incremental path, so the blocks of account 1 are merged into: a type and a
  // feature nobody declared, a huge count, a contact pk above every known contact, statistics on
  // a type nobody asked for, decimals.
  const at = (day: number) => day * DAY_MS + 3_600_000;
  const e = (type: string, day: number, more: Partial<AggregatableEvent> = {}): AggregatableEvent => ({ accountPk: 1, contactPk: null, type, occurredAt: at(day), count: 1, properties: null, ...more });
  db.transaction(() =>
    applyEventsToAggregates(db, [
      e('custom.thing', TO_DAY - 2, { count: 3 }),
      e('product.login', TO_DAY - 3, { count: 2 ** 45 }),
      e('nps.response', TO_DAY - 4, { properties: { score: 9 } }),
      e('email.exchanged', TO_DAY - 4, { count: 3, properties: { sentiment: 0.1 } }),
      e('email.exchanged', TO_DAY - 4, { properties: { sentiment: 0.2 } }),
      e('feature.used', TO_DAY - 2, { count: 2, properties: { feature: 'not-in-catalogue' } }),
      e('custom.use', TO_DAY - 2, { count: 5, properties: { feature: 'reports' } }),
      e('support.interaction', TO_DAY - 2, { contactPk: 2 ** 40, count: 7 }),
    ]),
  );
});
afterAll(() => cleanup());

interface Rows { types: unknown[][]; contacts: unknown[][]; features: unknown[][] }

function viaReader(reader: AggregateReader, pk: number, contactIds: Map<number, string>): Rows {
  const out: Rows = { types: [], contacts: [], features: [] };
  const sink: AggregateSink = {
    type: (t, type, n, props) => out.types.push([t / DAY_MS, type, n, props ?? null]),
    contact: (t, id, n) => out.contacts.push([t / DAY_MS, id, n]),
    feature: (t, type, feature, n) => out.features.push([t / DAY_MS, type, feature, n]),
  };
  reader.read(pk, contactIds, sink);
  return out;
}

function viaDecoded(pk: number, contactIds: Map<number, string>, propTypes?: string[]): Rows {
  const days = readAccountDays(db, pk, FROM_DAY, TO_DAY);
  return {
    types: days.flatMap((d) => [...d.types].map(([type, { n, props }]) => [d.day, type, n, props && (!propTypes || propTypes.includes(type)) ? props : null])),
    contacts: days.flatMap((d) => [...d.contacts].filter(([contactPk]) => contactIds.has(contactPk)).map(([contactPk, n]) => [d.day, contactIds.get(contactPk), n])),
    features: days.flatMap((d) => [...d.features].flatMap(([type, m]) => [...m].map(([feature, n]) => [d.day, type, feature, n]))),
  };
}

describe('AggregateReader', () => {
  it('reads every row exactly, in time order, with the statistics asked for', () => {
    const contactIds = new Map(db.$client.prepare('SELECT pk, id FROM contacts').raw().all() as [number, string][]);
    contactIds.set(2 ** 40, 'far-away');
    const pks = db.$client.prepare('SELECT pk FROM accounts').pluck().all() as number[];
    for (const propTypes of [undefined, ['meeting.held', 'email.exchanged'], []]) {
      const reader = new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY, propTypes });
      for (const pk of pks) expect(viaReader(reader, pk, contactIds), `account ${pk}`).toEqual(viaDecoded(pk, contactIds, propTypes));
    }
    const first = viaReader(new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY }), 1, contactIds);
    expect(first.types).toContainEqual([TO_DAY - 2, 'custom.thing', 3, null]);
    expect(first.types.find((r) => r[0] === TO_DAY - 3 && r[1] === 'product.login')?.[2]).toBeGreaterThanOrEqual(2 ** 45);
    expect(first.contacts).toContainEqual([TO_DAY - 2, 'far-away', 7]);
    expect(first.features).toContainEqual([TO_DAY - 2, 'feature.used', 'not-in-catalogue', 2]);
    expect(first.features).toContainEqual([TO_DAY - 2, 'custom.use', 'reports', 5]);
  });

  it('skips contacts it cannot name', () => {
    const reader = new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY });
    expect(viaReader(reader, 1, new Map()).contacts).toEqual([]);
  });
});

describe('contactActivity', () => {
  it("gives each contact's last active day before the window end and its interactions in the window", () => {
    const contacts = db.$client.prepare('SELECT pk, id, account_pk FROM contacts ORDER BY pk').raw().all() as [number, string, number][];
    let active = 0;
    for (const pk of new Set(contacts.map((c) => c[2]))) {
      const ids = new Map(contacts.filter((c) => c[2] === pk).map(([cpk, id]) => [cpk, id]));
      const got = contactActivity(db, pk, ids, FROM_DAY, TO_DAY - 10);
      for (const [cpk, id] of ids) {
        // From the raw events: the same questions asked of the events table.
        const last = db.$client.prepare('SELECT max(occurred_at) FROM events WHERE contact_pk = ? AND occurred_at < ?').pluck().get(cpk, (TO_DAY - 10) * DAY_MS) as number | null;
        const inWindow = db.$client.prepare('SELECT coalesce(sum(count), 0) FROM events WHERE contact_pk = ? AND occurred_at >= ? AND occurred_at < ?').pluck().get(cpk, FROM_DAY * DAY_MS, (TO_DAY - 10) * DAY_MS) as number;
        expect(got.get(id) ?? null, id).toEqual(last === null ? null : { lastDay: Math.floor(last / DAY_MS), inWindow });
        if (inWindow > 0) active += 1;
      }
    }
    expect(active).toBeGreaterThan(5);
  });
});

describe('aggregatedEventCount', () => {
  it('sums the counts of every stored day', () => {
    const fromEvents = db.$client.prepare('SELECT sum(count) FROM events').pluck().get() as number;
    // The events added through applyEventsToAggregates alone (not in the events table).
    const added = 3 + 2 ** 45 + 1 + 3 + 1 + 2 + 5 + 7;
    expect(aggregatedEventCount(db)).toBe(fromEvents + added);
  });
});
