/**
 * agg_packed holds what the agg_* rows hold, whichever way it was written: incrementally by event
 * batches (merging into stored blocks), by a full or partial rebuild from the events, or packed
 * from existing agg_* rows after migration 0004.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { seedDemo } from '@/db/seed';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { createTempDb } from '@/lib/testing/temp-db';
import { decodeDays, NameIds, type DayAgg, type PropMap } from '../packed-days';
import { upsertAccounts, upsertContacts } from './accounts';
import { DAY_MS, rebuildAggregates } from './aggregates';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { backfillPackedAggregates, packedAggregatesMissing } from './packed-aggregates';

const NOW = Date.UTC(2026, 5, 15, 12);
const ago = (days: number, hours = 0) => new Date(NOW - days * DAY_MS - hours * 3_600_000).toISOString();

let db: Db;
let cleanup: () => void;
beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
});
afterEach(() => cleanup());

type Plain = Record<string, { types: Record<string, { n: number; props: PropMap | null }>; contacts: Record<string, number>; features: Record<string, number> }>;

const plainDay = (d: DayAgg) => ({
  types: Object.fromEntries([...d.types].map(([k, v]) => [k, { n: v.n, props: v.props }])),
  contacts: Object.fromEntries(d.contacts),
  features: Object.fromEntries([...d.features].flatMap(([type, m]) => [...m].map(([f, n]) => [`${type}|${f}`, n]))),
});

/** Every account-day of agg_packed, decoded. */
function packed(): Plain {
  const ids = new NameIds(db);
  const out: Plain = {};
  for (const [pk, data] of db.$client.prepare('SELECT account_pk, data FROM agg_packed ORDER BY 1, block').raw().all() as [number, Buffer][]) {
    for (const d of decodeDays(data, ids)) out[`${pk}|${d.day}`] = plainDay(d);
  }
  return out;
}

/** Every account-day of the agg_* rows, in the same shape. */
function rows(): Plain {
  const c = db.$client;
  const out: Plain = {};
  const at = (pk: number, day: number) => (out[`${pk}|${day}`] ??= { types: {}, contacts: {}, features: {} });
  for (const [pk, day, type, n, props] of c.prepare('SELECT account_pk, day, type, n, props FROM agg_daily').raw().all() as [number, number, string, number, string | null][]) {
    at(pk, day).types[type] = { n, props: props ? (JSON.parse(props) as PropMap) : null };
  }
  for (const [pk, day, contactPk, n] of c.prepare('SELECT account_pk, day, contact_pk, n FROM agg_contact_daily').raw().all() as number[][]) at(pk, day).contacts[contactPk] = n;
  for (const [pk, day, type, feature, n] of c.prepare('SELECT account_pk, day, type, feature, n FROM agg_feature_daily').raw().all() as [number, number, string, string, number][]) {
    at(pk, day).features[`${type}|${feature}`] = n;
  }
  return out;
}

function ev(accountId: string, type: string, daysAgo: number, extra: Partial<Record<keyof EventInput, unknown>> = {}): EventInput {
  return eventSchema.parse({ accountId, type, occurredAt: ago(daysAgo, Number(extra.count ?? 1) % 5), ...extra });
}

function ingestSome(values: number[]): void {
  upsertAccounts(db, [
    { id: 'A', name: 'A', tier: 'growth', startedAt: NOW - 400 * DAY_MS },
    { id: 'B', name: 'B', tier: 'core', startedAt: NOW - 400 * DAY_MS },
  ]);
  upsertContacts(db, [
    { id: 'a1', accountId: 'A', role: 'champion', department: 'IT' },
    { id: 'a2', accountId: 'A', role: 'executive_sponsor', department: 'Finance' },
    { id: 'b1', accountId: 'B', role: 'user', department: 'Ops' },
  ]);
  db.$client.prepare("INSERT INTO triggers (key, label, description, properties) VALUES ('custom.signal', 'Custom', '', '[]')").run();
  // Several batches landing on the same days (and blocks), so stored blocks are merged into.
  for (let batch = 0; batch < 3; batch++) {
    ingestEvents(
      db,
      [
        ev('A', 'meeting.held', 3, { contactId: 'a1', properties: { onTime: true, strategic: batch % 2 === 0 } }),
        ev('A', 'email.exchanged', 3, { count: 2, contactId: 'a2', properties: { sentiment: values[batch % values.length] } }),
        ev('A', 'outreach.replied', 17, { properties: { responseHours: values[(batch + 1) % values.length] * 10 } }),
        ev('A', 'feature.used', 40 + batch, { properties: { feature: batch ? 'reports' : 'alerts' } }),
        ev('A', 'custom.signal', 15 + batch * 16, { count: 5 + batch }),
        ev('B', 'product.login', batch, { count: 7, contactId: 'b1' }),
        ev('B', 'nps.response', 100, { properties: { score: 9 - batch, comment: 'text is not a statistic' } }),
      ],
      { now: NOW },
    );
  }
}

describe('agg_packed', () => {
  it('holds what the agg_* rows hold after incremental batches, with decimal statistics merged the same way', () => {
    ingestSome([0.1, 0.2, -0.7]);
    const p = packed();
    expect(Object.keys(p).length).toBeGreaterThan(8);
    expect(p).toEqual(rows());
  });

  it('incremental batches equal a full rebuild and a partial rebuild from the events', () => {
    ingestSome([0.5, -0.25, 0.75]);
    const incremental = packed();
    rebuildAggregates(db);
    expect(packed()).toEqual(incremental);
    expect(rows()).toEqual(incremental);
    const b = db.$client.prepare("SELECT pk FROM accounts WHERE id = 'B'").pluck().get() as number;
    rebuildAggregates(db, { accountPks: [b] });
    expect(packed()).toEqual(incremental);
  });

  it('is packed from existing agg_* rows when missing (a database from before migration 0004)', () => {
    seedDemo(db, { accounts: 5, months: 2, seed: 4, end: new Date(NOW), aggregate: (d) => void rebuildAggregates(d) });
    const built = packed();
    expect(built).toEqual(rows());
    db.$client.prepare('DELETE FROM agg_packed').run();
    expect(packedAggregatesMissing(db)).toBe(true);
    prepareDatabase(db);
    expect(packedAggregatesMissing(db)).toBe(false);
    expect(packed()).toEqual(built);
    expect(backfillPackedAggregates(db).blocks).toBe(db.$client.prepare('SELECT count(*) FROM agg_packed').pluck().get());
    expect(packed()).toEqual(built);
  });
});
