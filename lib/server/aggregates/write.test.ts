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
import { beforeEach, expect, it } from 'vitest';
import { migrationsFolder, openDatabase } from '@/db/open';
import { seedDemo } from '@/db/seed';
import { eventSchema, type EventInput } from '@/lib/ingest/schemas';
import { SqliteStore, sqliteStore, type Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { packedDays, type PlainDay } from '@/lib/testing/packed-aggregates';
import { upsertAccounts, upsertContacts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { ingestEvents } from '../commands/events';
import { ensureLiveModel } from '../commands/model';
import { DAY_MS, packedAggregatesMissing, rebuildAggregates } from '.';

const NOW = Date.UTC(2026, 5, 15, 12);
const ago = (days: number, hours = 0) => new Date(NOW - days * DAY_MS - hours * 3_600_000).toISOString();

type Plain = Record<string, PlainDay>;
const packed = (db: Store): Promise<Plain> => packedDays(db);
type Counts = Record<string, { types: Record<string, number>; contacts: Record<string, number>; features: Record<string, number> }>;

/** Every account-day computed here from the raw events: counts summed per day, type, contact and feature. */
async function countsFromEvents(db: Store): Promise<Counts> {
  const out: Counts = {};
  const rows = await db.all<{ account_pk: number; contact_pk: number | null; type: string; occurred_at: number; count: number; properties: string | null }>(
    'SELECT account_pk, contact_pk, type, occurred_at, count, properties FROM events',
  );
  for (const { account_pk: pk, contact_pk: contactPk, type, occurred_at: at, count, properties } of rows) {
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

/** `score: false`: not listed for rescoring (a database of an older schema has an older list). */
async function ingestSome(db: Store, values: number[], score = true): Promise<void> {
  await upsertAccounts(db, [
    { id: 'A', name: 'A', tier: 'growth', startedAt: NOW - 400 * DAY_MS },
    { id: 'B', name: 'B', tier: 'core', startedAt: NOW - 400 * DAY_MS },
  ]);
  await upsertContacts(db, [
    { id: 'a1', accountId: 'A', role: 'champion', department: 'IT' },
    { id: 'a2', accountId: 'A', role: 'executive_sponsor', department: 'Finance' },
    { id: 'b1', accountId: 'B', role: 'user', department: 'Ops' },
  ]);
  await db.run("INSERT INTO triggers (key, label, description, properties) VALUES ('custom.signal', 'Custom', '', '[]')");
  // Several batches landing on the same days (and blocks), so stored blocks are merged into.
  for (let batch = 0; batch < 3; batch++) {
    await ingestEvents(
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
      { now: NOW, score },
    );
  }
}

describeEngines('agg_packed', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
  });

  it('holds the counts of the events after incremental batches, and their statistics', async () => {
    await ingestSome(db, [0.1, 0.2, -0.7]);
    const p = await packed(db);
    expect(Object.keys(p).length).toBeGreaterThan(8);
    expect(countsOf(p)).toEqual(await countsFromEvents(db));
    const a = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'A'"))!;
    const day = Math.floor(Date.parse(ago(3)) / DAY_MS);
    // Three batches of one email each (count 2): sums weighted by count; no values kept (no median reads them).
    expect(p[`${a}|${day}`]!.types['email.exchanged']!.props!.sentiment).toEqual({ t: 0, s: 2 * 0.1 + 2 * 0.2 + 2 * -0.7, c: 6 });
    expect(p[`${a}|${day}`]!.types['meeting.held']!.props!.strategic).toEqual({ t: 2, s: 0, c: 0 });
    // NPS answers keep their values (one per batch, weight 1), merged across batches in order.
    const b = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'B'"))!;
    const npsDay = Math.floor(Date.parse(ago(100, 1)) / DAY_MS);
    expect(p[`${b}|${npsDay}`]!.types['nps.response']!.props!.score).toEqual({ t: 0, s: 24, c: 3, v: [9, 8, 7] });
  });

  it('incremental batches equal a full rebuild and a partial rebuild from the events', async () => {
    await ingestSome(db, [0.5, -0.25, 0.75]);
    const incremental = await packed(db);
    await rebuildAggregates(db);
    expect(await packed(db)).toEqual(incremental);
    const b = (await db.value<number>("SELECT pk FROM accounts WHERE id = 'B'"))!;
    await rebuildAggregates(db, { accountPks: [b] });
    expect(await packed(db)).toEqual(incremental);
  });

  it('rebuilds in pages: accounts whose events span several pages, and progress along the way', async () => {
    await upsertAccounts(db, Array.from({ length: 450 }, (_, i) => ({ id: `P${i}`, name: `P${i}` })));
    // Enough events that the rebuild reads them in several pages, one account across two of them.
    const many = (id: string, n: number) => Array.from({ length: n }, (_, k) => ev(id, k % 2 ? 'meeting.held' : 'product.login', k % 300, { count: 1 + (k % 3), properties: { feature: `f${k % 4}` } }));
    for (let i = 0; i < 4; i++) await ingestEvents(db, many(`P${i * 100}`, 6_000), { now: NOW, score: false });
    await ingestEvents(db, Array.from({ length: 450 }, (_, i) => ev(`P${i}`, 'meeting.held', i % 50)), { now: NOW, score: false });
    const incremental = await packed(db);
    const activity = await db.all('SELECT * FROM account_activity ORDER BY account_pk');
    const progress: [number, number][] = [];
    expect(await rebuildAggregates(db, { onProgress: (done, total) => progress.push([done, total]) })).toEqual({ events: 24_450 });
    expect(await packed(db)).toEqual(incremental);
    expect(await db.all('SELECT * FROM account_activity ORDER BY account_pk')).toEqual(activity);
    expect(progress).toEqual([[200, 450], [400, 450], [450, 450]]);
    const pks = await db.column<number>("SELECT pk FROM accounts WHERE id IN ('P0', 'P100', 'P7') ORDER BY pk");
    expect(await rebuildAggregates(db, { accountPks: pks })).toEqual({ events: 12_003 });
    expect(await packed(db)).toEqual(incremental);
  });

  it('is rebuilt from the events at start when missing', async () => {
    await seedDemo(db, { accounts: 5, months: 2, seed: 4, end: new Date(NOW), aggregate: (d) => rebuildAggregates(d) });
    const built = await packed(db);
    expect(countsOf(built)).toEqual(await countsFromEvents(db));
    const activity = await db.all('SELECT * FROM account_activity ORDER BY account_pk');
    await db.run('DELETE FROM agg_packed');
    await db.run('DELETE FROM account_activity');
    expect(await packedAggregatesMissing(db)).toBe(true);
    await prepareDatabase(db);
    expect(await packedAggregatesMissing(db)).toBe(false);
    expect(await packed(db)).toEqual(built);
    expect(await db.all('SELECT * FROM account_activity ORDER BY account_pk')).toEqual(activity);
  });

  it('an empty database needs no rebuild', async () => {
    expect(await packedAggregatesMissing(db)).toBe(false);
  });
});

// The agg_daily tables existed only in SQLite databases (PostgreSQL support came after migration 0005).
describeEngines('upgrading a database that kept the aggregates in the agg_daily tables', (t) => {
  it('drops those tables and rebuilds the packed blocks from the events', async () => {
    await prepareDatabase(t.store);
    await ingestSome(t.store, [0.5, -0.25, 0.75]);
    const expected = await packed(t.store);
    // The same events in a database migrated only to 0004 (agg_daily, agg_contact_daily and
    // agg_feature_daily exist, agg_packed is empty), as an install from before packing has it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-upgrade-'));
    const folder = path.join(dir, 'migrations');
    fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.idx <= 4);
    fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    for (const e of journal.entries) fs.copyFileSync(path.join(migrationsFolder(), `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
    const file = path.join(dir, 'test.db');
    const old = openDatabase(file);
    let db: Store = new SqliteStore(old.$client);
    const tables = () => db.column("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'agg_%' ORDER BY name");
    try {
      migrate(old, { migrationsFolder: folder });
      // The rows the events need and the events themselves, as that version stored them.
      for (const table of ['triggers', 'accounts', 'contacts', 'events']) {
        for (const row of await t.store.all(`SELECT * FROM ${table}`)) {
          const columns = Object.keys(row);
          await db.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, columns.map((c) => row[c]));
        }
      }
      await ensureLiveModel(db);
      await db.run("INSERT INTO agg_daily (account_pk, day, type, n, props) VALUES (1, 1, 'x', 1, NULL)");
      expect(await tables()).toEqual(['agg_contact_daily', 'agg_daily', 'agg_feature_daily', 'agg_names', 'agg_packed']);
      await db.close();

      // Started again by this version: opening migrates, preparing rebuilds.
      db = sqliteStore(file);
      await prepareDatabase(db);
      expect(await tables()).toEqual(['agg_names', 'agg_packed']);
      expect(await packed(db)).toEqual(expected);
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}, { engines: ['sqlite'] });
