/** The packed reads of AggregateReader against plain SELECTs of the same rows, edge cases included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { seedDemo } from '@/db/seed';
import { DAY_MS, type PropStat } from '@/lib/scoring';
import { createTempDb } from '@/lib/testing/temp-db';
import { rebuildAggregates } from '../commands/aggregates';
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
  // Rows the packed numbers cannot carry: an unknown type and feature, a huge count, a contact pk
  // above every known contact, statistics on a type nobody asked for.
  const c = db.$client;
  c.prepare("INSERT OR REPLACE INTO agg_daily (account_pk, day, type, n, props) VALUES (1, ?, 'custom.thing', 3, NULL)").run(TO_DAY - 2);
  c.prepare("INSERT OR REPLACE INTO agg_daily (account_pk, day, type, n, props) VALUES (1, ?, 'product.login', ?, NULL)").run(TO_DAY - 3, 2 ** 45);
  c.prepare("INSERT OR REPLACE INTO agg_daily (account_pk, day, type, n, props) VALUES (1, ?, 'nps.response', 1, ?)").run(TO_DAY - 4, JSON.stringify({ score: { t: 0, s: 9, c: 1, v: [9] } }));
  c.prepare("INSERT OR REPLACE INTO agg_feature_daily (account_pk, day, type, feature, n) VALUES (1, ?, 'feature.used', 'not-in-catalogue', 2)").run(TO_DAY - 2);
  c.prepare("INSERT OR REPLACE INTO agg_feature_daily (account_pk, day, type, feature, n) VALUES (1, ?, 'custom.use', 'reports', 5)").run(TO_DAY - 2);
  c.prepare('INSERT OR REPLACE INTO agg_contact_daily (account_pk, day, contact_pk, n) VALUES (1, ?, ?, 7)').run(TO_DAY - 2, 2 ** 40);
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
    expect(first.types).toContainEqual([TO_DAY - 3, 'product.login', 2 ** 45, null]);
    expect(first.contacts).toContainEqual([TO_DAY - 2, 'far-away', 7]);
    expect(first.features).toContainEqual([TO_DAY - 2, 'custom.use', 'reports', 5]);
  });

  it('skips contacts it cannot name', () => {
    const reader = new AggregateReader(db, { fromDay: FROM_DAY, toDay: TO_DAY });
    expect(viaReader(reader, 1, new Map()).contacts).toEqual([]);
  });
});
