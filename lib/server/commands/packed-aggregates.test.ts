/**
 * agg_packed, the one store of per-day aggregates, holds what the events say whichever way it was
 * written: incrementally by event batches (merging into stored blocks), by a full or partial
 * rebuild from the events, or rebuilt at start for a database upgraded from a version that kept
 * the aggregates in the agg_daily tables.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase, type Db } from '@/db/open';
import { seedDemo } from '@/db/seed';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { createTempDb } from '@/lib/testing/temp-db';
import { packedDays, type PlainDay } from '@/lib/testing/packed-aggregates';
import { upsertAccounts, upsertContacts } from './accounts';
import { DAY_MS, rebuildAggregates } from './aggregates';
import { ensureDefaultTriggers, prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { ensureLiveModel } from './model';
import { packedAggregatesMissing } from './packed-aggregates';

const NOW = Date.UTC(2026, 5, 15, 12);
const ago = (days: number, hours = 0) => new Date(NOW - days * DAY_MS - hours * 3_600_000).toISOString();

let db: Db;
let cleanup: () => void;
beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
});
afterEach(() => cleanup());

type Plain = Record<string, PlainDay>;
const packed = (): Plain => packedDays(db);

/** Every account-day computed here from the raw events: counts summed per day, type, contact and feature. */
function countsFromEvents(): Record<string, { types: Record<string, number>; contacts: Record<string, number>; features: Record<string, number> }> {
  const out: ReturnType<typeof countsFromEvents> = {};
  const rows = db.$client.prepare('SELECT account_pk, contact_pk, type, occurred_at, count, properties FROM events').raw().all() as [number, number | null, string, number, number, string | null][];
  for (const [pk, contactPk, type, at, count, properties] of rows) {
    const d = (out[`${pk}|${Math.floor(at / DAY_MS)}`] ??= { types: {}, contacts: {}, features: {} });
    d.types[type] = (d.types[type] ?? 0) + count;
    if (contactPk !== null) d.contacts[contactPk] = (d.contacts[contactPk] ?? 0) + count;
    const feature = properties ? (JSON.parse(properties) as Record<string, unknown>).feature : undefined;
    if (typeof feature === 'string') d.features[`${type}|${feature}`] = (d.features[`${type}|${feature}`] ?? 0) + count;
  }
  return out;
}

const countsOf = (p: Plain) =>
  Object.fromEntries(Object.entries(p).map(([k, d]) => [k, { types: Object.fromEntries(Object.entries(d.types).map(([t, v]) => [t, v.n])), contacts: d.contacts, features: d.features }]));

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
  it('holds the counts of the events after incremental batches, and their statistics', () => {
    ingestSome([0.1, 0.2, -0.7]);
    const p = packed();
    expect(Object.keys(p).length).toBeGreaterThan(8);
    expect(countsOf(p)).toEqual(countsFromEvents());
    const a = db.$client.prepare("SELECT pk FROM accounts WHERE id = 'A'").pluck().get() as number;
    const day = Math.floor(Date.parse(ago(3)) / DAY_MS);
    // Three batches of one email each (count 2): sums weighted by count; no values kept (no median reads them).
    expect(p[`${a}|${day}`]!.types['email.exchanged']!.props!.sentiment).toEqual({ t: 0, s: 2 * 0.1 + 2 * 0.2 + 2 * -0.7, c: 6 });
    expect(p[`${a}|${day}`]!.types['meeting.held']!.props!.strategic).toEqual({ t: 2, s: 0, c: 0 });
    // NPS answers keep their values (one per batch, weight 1), merged across batches in order.
    const b = db.$client.prepare("SELECT pk FROM accounts WHERE id = 'B'").pluck().get() as number;
    const npsDay = Math.floor(Date.parse(ago(100, 1)) / DAY_MS);
    expect(p[`${b}|${npsDay}`]!.types['nps.response']!.props!.score).toEqual({ t: 0, s: 24, c: 3, v: [9, 8, 7] });
  });

  it('incremental batches equal a full rebuild and a partial rebuild from the events', () => {
    ingestSome([0.5, -0.25, 0.75]);
    const incremental = packed();
    rebuildAggregates(db);
    expect(packed()).toEqual(incremental);
    const b = db.$client.prepare("SELECT pk FROM accounts WHERE id = 'B'").pluck().get() as number;
    rebuildAggregates(db, { accountPks: [b] });
    expect(packed()).toEqual(incremental);
  });

  it('is rebuilt from the events at start when missing', () => {
    seedDemo(db, { accounts: 5, months: 2, seed: 4, end: new Date(NOW), aggregate: (d) => void rebuildAggregates(d) });
    const built = packed();
    expect(countsOf(built)).toEqual(countsFromEvents());
    const activity = db.$client.prepare('SELECT * FROM account_activity ORDER BY account_pk').all();
    db.$client.prepare('DELETE FROM agg_packed').run();
    db.$client.prepare('DELETE FROM account_activity').run();
    expect(packedAggregatesMissing(db)).toBe(true);
    prepareDatabase(db);
    expect(packedAggregatesMissing(db)).toBe(false);
    expect(packed()).toEqual(built);
    expect(db.$client.prepare('SELECT * FROM account_activity ORDER BY account_pk').all()).toEqual(activity);
  });

  it('an empty database needs no rebuild', () => {
    expect(packedAggregatesMissing(db)).toBe(false);
  });
});

describe('upgrading a database that kept the aggregates in the agg_daily tables', () => {
  it('drops those tables and rebuilds the packed blocks from the events', () => {
    ingestSome([0.5, -0.25, 0.75]);
    const expected = packed();
    cleanup();
    // The same events in a database migrated only to 0004 (agg_daily, agg_contact_daily and
    // agg_feature_daily exist, agg_packed is empty), as an install from before packing has it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-upgrade-'));
    const folder = path.join(dir, 'migrations');
    fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.idx <= 4);
    fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    for (const e of journal.entries) fs.copyFileSync(path.join(migrationsFolder(), `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
    db = openDatabase(path.join(dir, 'test.db'));
    cleanup = () => {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    migrate(db, { migrationsFolder: folder });
    ensureDefaultTriggers(db);
    ensureLiveModel(db);
    ingestSome([0.5, -0.25, 0.75]);
    db.$client.prepare('DELETE FROM agg_packed').run();
    db.$client.prepare("INSERT INTO agg_daily (account_pk, day, type, n, props) VALUES (1, 1, 'x', 1, NULL)").run();
    const tables = () => db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'agg_%' ORDER BY name").pluck().all();
    expect(tables()).toEqual(['agg_contact_daily', 'agg_daily', 'agg_feature_daily', 'agg_names', 'agg_packed']);

    prepareDatabase(db);
    expect(tables()).toEqual(['agg_names', 'agg_packed']);
    expect(packed()).toEqual(expected);
  });
});
