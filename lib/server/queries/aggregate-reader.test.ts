/** AggregateReader's reads of the packed blocks against plain SELECTs of the agg_* rows, edge cases included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { seedDemo } from '@/db/seed';
import { DAY_MS, type PropStat } from '@/lib/scoring';
import { createTempDb } from '@/lib/testing/temp-db';
import { applyEventsToAggregates, rebuildAggregates, type AggregatableEvent } from '../commands/aggregates';
import { prepareDatabase } from '../commands/catalogue';
import { AggregateReader, type AggregateSink } from './aggregate-reader';

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

function viaSelect(pk: number, contactIds: Map<number, string>, propTypes?: string[]): Rows {
  const c = db.$client;
  const range = 'account_pk = ? AND day >= ? AND day < ? ORDER BY 1, 2, 3';
  const types = (c.prepare(`SELECT day, type, n, props FROM agg_daily WHERE ${range}`).raw().all(pk, FROM_DAY, TO_DAY) as [number, string, number, string | null][]).map(
    ([day, type, n, props]) => [day, type, n, props && (!propTypes || propTypes.includes(type)) ? (JSON.parse(props) as Record<string, PropStat>) : null],
  );
  const contacts = (c.prepare(`SELECT day, contact_pk, n FROM agg_contact_daily WHERE ${range}`).raw().all(pk, FROM_DAY, TO_DAY) as [number, number, number][])
    .filter(([, contactPk]) => contactIds.has(contactPk))
    .map(([day, contactPk, n]) => [day, contactIds.get(contactPk), n]);
  const features = c.prepare(`SELECT day, type, feature, n FROM agg_feature_daily WHERE ${range}`).raw().all(pk, FROM_DAY, TO_DAY) as unknown[][];
  return { types, contacts, features };
}

describe('AggregateReader', () => {
  it('reads every row exactly, in time order, with the statistics asked for', () => {
    const contactIds = new Map(db.$client.prepare('SELECT pk, id FROM contacts').raw().all() as [number, string][]);
    contactIds.set(2 ** 40, 'far-away');
    const pks = db.$client.prepare('SELECT pk FROM accounts').pluck().all() as number[];
    for (const propTypes of [undefined, ['meeting.held', 'email.exchanged'], []]) {
      const reader = new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY, propTypes });
      for (const pk of pks) expect(viaReader(reader, pk, contactIds), `account ${pk}`).toEqual(viaSelect(pk, contactIds, propTypes));
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
