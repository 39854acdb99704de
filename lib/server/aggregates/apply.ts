/**
 * Applying a batch of events to the aggregates, in the transaction that writes the events: the
 * batch is summed per account, day and key in memory (days.ts), then merged block by block into
 * the packed blocks it touches, and into the accounts' first/last activity.
 */
import type { Store } from '@/lib/server/store';
import { inChunks, insertInto } from '../commands/row-writer';
import { Accumulator, type AggregatableEvent } from './days';
import { assembleDays, blockOf, dayRanges, decodeDayAt, emptyDay, mergeProps, NameIds, namesOf, type DayAgg, type PropMap } from './format';

/**
 * Locks the accounts' rows until the transaction ends (PostgreSQL; SQLite's transaction already
 * holds the write lock): writers of an account's aggregates, which read and rewrite its blocks,
 * then take turns. In pk order, so that two writers never wait for each other. FOR NO KEY UPDATE:
 * rows that refer to the accounts (events, scores) can still be written meanwhile.
 */
export async function lockAccounts(db: Store, accountPks: Iterable<number>): Promise<void> {
  if (db.engine !== 'postgres') return;
  const pks = [...new Set(accountPks)];
  if (!pks.length) return;
  await db.run(`SELECT pk FROM accounts WHERE ${db.dialect.inJsonArray('pk', 'int')} ORDER BY pk FOR NO KEY UPDATE`, [JSON.stringify(pks)]);
}

/**
 * Writes accumulated aggregates: the per-day aggregates merged into their packed blocks, and the
 * account's first/last activity. Run inside the caller's transaction.
 */
async function flush(db: Store, acc: Accumulator): Promise<void> {
  // agg_packed first, then account_activity: the order a full rebuild locks them in.
  await applyToPacked(db, { daily: acc.daily.values(), contacts: acc.contacts.values(), features: acc.featureDays.values() });
  const rows = [...acc.activity].sort((a, b) => a[0] - b[0]).map(([accountPk, a]) => [accountPk, a.firstAt, a.lastAt, a.events]);
  await insertInto(
    db,
    'account_activity',
    ['account_pk', 'first_at', 'last_at', 'events'],
    rows,
    `ON CONFLICT (account_pk) DO UPDATE SET first_at = ${db.dialect.least('account_activity.first_at', 'excluded.first_at')}, ` +
      `last_at = ${db.dialect.greatest('account_activity.last_at', 'excluded.last_at')}, events = account_activity.events + excluded.events`,
  );
}

/**
 * Adds newly written events to the aggregates. Must run in the same transaction as the event
 * inserts, so that an event and its aggregates are committed together or not at all; on
 * PostgreSQL, with the accounts' rows locked (`lockAccounts`).
 */
export async function applyEventsToAggregates(db: Store, events: Iterable<AggregatableEvent>): Promise<void> {
  const acc = new Accumulator();
  for (const e of events) acc.add(e);
  await flush(db, acc);
}

interface PackedDeltas {
  daily: Iterable<{ accountPk: number; day: number; type: string; n: number; props: PropMap | null }>;
  contacts: Iterable<{ accountPk: number; day: number; contactPk: number; n: number }>;
  features: Iterable<{ accountPk: number; day: number; type: string; feature: string; n: number }>;
}

interface Block {
  accountPk: number;
  block: number;
  stored: Buffer | null;
  ranges: Map<number, { start: number; end: number }>;
  touched: Map<number, DayAgg>;
}

/**
 * Adds a batch's aggregate deltas to the packed blocks they fall in. Run in the transaction that
 * writes the batch's events: counts add up, and statistics merge into the stored ones
 * (`mergeProps`: counts and sums add, kept values and their weights append, capped), so a block
 * ends up with what a rebuild from the raw events writes.
 *
 * Each block is read and written again whole. On PostgreSQL, where several processes write at
 * once, the caller holds the lock of the accounts' rows (`lockAccounts`), so that no other batch
 * writes their blocks (new ones included) meanwhile, and the blocks read are locked too, so that a
 * full rebuild (which locks the table) and a batch wait for each other.
 */
async function applyToPacked(db: Store, deltas: PackedDeltas): Promise<void> {
  const daily = [...deltas.daily];
  const contacts = [...deltas.contacts];
  const features = [...deltas.features];
  const blocks = new Map<string, Block>();
  const keyOf = (accountPk: number, day: number) => `${accountPk}|${blockOf(day)}`;
  for (const r of [...daily, ...contacts, ...features]) {
    const key = keyOf(r.accountPk, r.day);
    let b = blocks.get(key);
    if (!b) blocks.set(key, (b = { accountPk: r.accountPk, block: blockOf(r.day), stored: null, ranges: new Map(), touched: new Map() }));
    b.touched.set(r.day, emptyDay(r.day));
  }
  if (!blocks.size) return;

  // One read for every block the batch touches (the pairs looked up by key). SQLite: the pairs
  // as a VALUES list; CROSS JOIN, so that SQLite walks the list and looks each pair up by primary
  // key (with a plain JOIN of bound values its planner scans the whole table instead: 68 ms
  // against 0.7 ms for 256 pairs on 365,000 blocks). PostgreSQL: the pairs as two arrays, one
  // statement however many (see insertInto), and the blocks locked.
  const keys = [...blocks.values()].map((b) => [b.accountPk, b.block]);
  type Stored = { account_pk: number; block: number; data: Buffer };
  const stored =
    db.engine === 'postgres'
      ? await db.all<Stored>(
          'SELECT p.account_pk, p.block, p.data FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS k(account_pk, block) CROSS JOIN agg_packed p WHERE p.account_pk = k.account_pk AND p.block = k.block FOR UPDATE OF p',
          [keys.map((k) => k[0]!), keys.map((k) => k[1]!)],
        )
      : await inChunks<Stored>(keys, '(CAST(? AS bigint), CAST(? AS bigint))', (values, params) =>
          db.all(`SELECT p.account_pk, p.block, p.data FROM (VALUES ${values}) k CROSS JOIN agg_packed p WHERE p.account_pk = k.column1 AND p.block = k.column2`, params),
        );
  for (const row of stored) {
    const b = blocks.get(`${row.account_pk}|${row.block}`)!;
    b.stored = row.data;
    b.ranges = new Map(dayRanges(row.data).map((r) => [r.day, r]));
  }

  // Only the days a batch touches are decoded and encoded again; the others keep their bytes.
  const ids = await NameIds.load(db);
  await ids.decoding(() => {
    for (const b of blocks.values()) {
      for (const day of b.touched.keys()) {
        const range = b.ranges.get(day);
        if (range && b.stored) b.touched.set(day, decodeDayAt(b.stored, range.start, ids));
      }
    }
  });
  const touchedDay = (accountPk: number, day: number): DayAgg => blocks.get(keyOf(accountPk, day))!.touched.get(day)!;
  for (const r of daily) {
    const d = touchedDay(r.accountPk, r.day);
    const existing = d.types.get(r.type);
    if (!existing) d.types.set(r.type, { n: r.n, props: r.props });
    else if (r.props === null) existing.n += r.n;
    else {
      existing.n = r.n + existing.n;
      existing.props = mergeProps(existing.props, r.props);
    }
  }
  for (const r of contacts) {
    const d = touchedDay(r.accountPk, r.day);
    d.contacts.set(r.contactPk, (d.contacts.get(r.contactPk) ?? 0) + r.n);
  }
  for (const r of features) {
    const d = touchedDay(r.accountPk, r.day);
    let m = d.features.get(r.type);
    if (!m) d.features.set(r.type, (m = new Map()));
    m.set(r.feature, (m.get(r.feature) ?? 0) + r.n);
  }

  await ids.add(namesOf([...blocks.values()].flatMap((b) => [...b.touched.values()])));
  const rows = [...blocks.values()].map((b) => {
    const days = new Set([...b.ranges.keys(), ...b.touched.keys()]);
    const parts = [...days].sort((x, y) => x - y).map((day) => {
      const range = b.ranges.get(day);
      return b.touched.get(day) ?? b.stored!.subarray(range!.start, range!.end);
    });
    return [b.accountPk, b.block, assembleDays(parts, ids)];
  });
  await insertInto(db, 'agg_packed', ['account_pk', 'block', 'data'], rows, 'ON CONFLICT (account_pk, block) DO UPDATE SET data = excluded.data');
}
