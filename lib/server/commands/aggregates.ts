/**
 * Aggregates kept in step with events: per account and UTC day, the trigger counts (with property
 * statistics), contact counts and feature counts, stored only as packed 8-day blocks
 * (`agg_packed`, lib/server/packed-days.ts), plus first/last activity (`account_activity`).
 * Scores are computed from these, never from scans of raw events.
 */
import type { SqlParam, Store } from '@/lib/server/store';
import { addProps, AccountDays, aggregateWriters, dayOf, FEATURE_PROPERTY, type AggregateWriters, type PropMap } from './aggregate-days';
import { applyToPacked } from './packed-aggregates';
import { insertRows } from './row-writer';

export { addProps, DAY_MS, dayOf, FEATURE_PROPERTY } from './aggregate-days';

export interface AggregatableEvent {
  accountPk: number;
  contactPk: number | null;
  type: string;
  occurredAt: number;
  count: number;
  properties: Record<string, unknown> | null;
}

interface DailyAcc {
  accountPk: number;
  day: number;
  type: string;
  n: number;
  props: PropMap | null;
}

/** In-memory accumulation of a set of events, grouped by aggregate key. */
class Accumulator {
  daily = new Map<string, DailyAcc>();
  contacts = new Map<string, { accountPk: number; day: number; contactPk: number; n: number }>();
  featureDays = new Map<string, { accountPk: number; day: number; type: string; feature: string; n: number }>();
  activity = new Map<number, { firstAt: number; lastAt: number; events: number }>();

  add(e: AggregatableEvent): void {
    const day = dayOf(e.occurredAt);
    const dk = `${e.accountPk}|${day}|${e.type}`;
    let d = this.daily.get(dk);
    if (!d) this.daily.set(dk, (d = { accountPk: e.accountPk, day, type: e.type, n: 0, props: null }));
    d.n += e.count;
    d.props = addProps(d.props, e.type, e.properties, e.count);
    if (e.contactPk !== null) {
      const ck = `${e.accountPk}|${day}|${e.contactPk}`;
      const c = this.contacts.get(ck);
      if (c) c.n += e.count;
      else this.contacts.set(ck, { accountPk: e.accountPk, day, contactPk: e.contactPk, n: e.count });
    }
    const feature = e.properties?.[FEATURE_PROPERTY];
    if (typeof feature === 'string' && feature) {
      const fk = `${e.accountPk}|${day}|${e.type}|${feature}`;
      const f = this.featureDays.get(fk);
      if (f) f.n += e.count;
      else this.featureDays.set(fk, { accountPk: e.accountPk, day, type: e.type, feature, n: e.count });
    }
    const a = this.activity.get(e.accountPk);
    if (a) {
      if (e.occurredAt < a.firstAt) a.firstAt = e.occurredAt;
      if (e.occurredAt > a.lastAt) a.lastAt = e.occurredAt;
      a.events += 1;
    } else {
      this.activity.set(e.accountPk, { firstAt: e.occurredAt, lastAt: e.occurredAt, events: 1 });
    }
  }

}

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
  await insertRows(
    db,
    'INSERT INTO account_activity (account_pk, first_at, last_at, events)',
    4,
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

interface EventRow {
  pk: number;
  account_pk: number;
  contact_pk: number | null;
  type: string;
  occurred_at: number;
  count: number;
  properties: string | null;
}

const AGGREGATE_TABLES = ['agg_packed', 'account_activity'] as const;
/** Accounts per transaction of a partial rebuild, and between progress reports. */
const PROGRESS_EVERY = 200;
/** Events read per query of a rebuild. */
const EVENTS_PER_PAGE = 5_000;

/**
 * Feeds the events of the accounts `accountPks` (all accounts when null) to `out`, account by
 * account in pk order, each account's in time order, page by page so that ten million events are
 * read in bounded memory: each page a keyset query that the (account_pk, occurred_at) index
 * serves, on (account_pk, occurred_at, pk) for all accounts, on (occurred_at, pk) for each given
 * one. Calls `onAccount` with each account it finishes, and writes what the writers hold after each
 * page. Returns the events read.
 */
async function aggregateEvents(db: Store, accountPks: number[] | null, out: AggregateWriters, onAccount: (pk: number) => void): Promise<number> {
  const columns = 'SELECT pk, account_pk, contact_pk, type, occurred_at, count, properties FROM events';
  let events = 0;
  let days = null as AccountDays | null;
  const endAccount = () => {
    if (!days) return;
    events += days.finish();
    onAccount(days.accountPk);
    days = null;
  };
  /** Reads pages of `sql` (`params` given the last row read, or null before the first) until one comes back short. */
  const pages = async (sql: string, params: (last: EventRow | null) => SqlParam[]) => {
    let last: EventRow | null = null;
    for (;;) {
      const rows: EventRow[] = await db.all<EventRow>(`${sql} LIMIT ${EVENTS_PER_PAGE}`, params(last));
      for (const r of rows) {
        let account = days;
        if (account?.accountPk !== r.account_pk) {
          endAccount();
          days = account = new AccountDays(r.account_pk, out);
        }
        // Only read (its own keys, into maps without a prototype): plain JSON.parse, the rebuild's hot path.
        account.add(r.contact_pk, r.type, r.occurred_at, r.count, r.properties ? (JSON.parse(r.properties) as Record<string, unknown>) : null);
      }
      await out.packed.write();
      await out.activity.write();
      if (rows.length < EVENTS_PER_PAGE) return;
      last = rows[rows.length - 1]!;
    }
  };
  if (!accountPks) {
    await pages(`${columns} WHERE (account_pk, occurred_at, pk) > (?, ?, ?) ORDER BY account_pk, occurred_at, pk`, (last) =>
      last ? [last.account_pk, last.occurred_at, last.pk] : [-1, Number.MIN_SAFE_INTEGER, -1],
    );
  } else {
    for (const pk of [...new Set(accountPks)].sort((a, b) => a - b)) {
      await pages(`${columns} WHERE account_pk = ? AND (occurred_at, pk) > (?, ?) ORDER BY occurred_at, pk`, (last) =>
        last ? [pk, last.occurred_at, last.pk] : [pk, Number.MIN_SAFE_INTEGER, -1],
      );
    }
  }
  endAccount();
  await out.packed.flush();
  await out.activity.flush();
  return events;
}

/**
 * Recomputes every aggregate from the raw events: all accounts, or the given ones.
 *
 * All accounts: one transaction, so readers keep the old aggregates until the new ones are
 * complete and a failure leaves them untouched. The rows are appended in primary-key order from
 * one pass over the events in (account, time) order. On SQLite the tables' secondary indexes are
 * dropped first and created again at the end: building an index once from sorted data is far
 * cheaper than keeping it up to date row by row. The write lock is held throughout (a few minutes
 * for ten million events): on PostgreSQL the two tables are locked against writes (event batches
 * wait; reads go on), so run it for bulk loads, not under live ingestion.
 *
 * Given accounts: their rows are replaced, 200 accounts per transaction (on PostgreSQL with
 * their rows locked, as event batches lock them).
 */
export async function rebuildAggregates(db: Store, options: { accountPks?: number[]; onProgress?: (done: number, total: number) => void } = {}): Promise<{ events: number }> {
  if (!options.accountPks) {
    return db.tx(async (tx) => {
      let indexes: { name: string; sql: string }[] = [];
      if (tx.engine === 'sqlite') {
        indexes = await tx.all<{ name: string; sql: string }>(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${AGGREGATE_TABLES.map((t) => `'${t}'`).join(', ')})`,
        );
        for (const ix of indexes) await tx.run(`DROP INDEX ${ix.name}`);
      } else {
        // EXCLUSIVE: reads go on; batches wait at their first write to either table (agg_packed first, as here).
        await tx.run(`LOCK TABLE ${AGGREGATE_TABLES.join(', ')} IN EXCLUSIVE MODE`);
      }
      for (const t of AGGREGATE_TABLES) await tx.run(`DELETE FROM ${t}`);
      // Read after the lock: an account created meanwhile is either here or written after this commits.
      const pks = await tx.column<number>('SELECT pk FROM accounts ORDER BY pk');
      let done = 0;
      const events = await aggregateEvents(tx, null, aggregateWriters(tx), (pk) => {
        const before = done;
        while (done < pks.length && pks[done]! <= pk) done++;
        if (Math.floor(done / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY) && done < pks.length) options.onProgress?.(done, pks.length);
      });
      if (tx.engine === 'sqlite') {
        // Index builds sort; SQLite may give the sorter helper threads (a connection setting, restored).
        const threads = (await tx.value<number>('PRAGMA threads')) ?? 0;
        await tx.run('PRAGMA threads = 2');
        try {
          for (const ix of indexes) await tx.run(ix.sql);
        } finally {
          await tx.run(`PRAGMA threads = ${threads}`);
        }
      }
      options.onProgress?.(pks.length, pks.length);
      return { events };
    });
  }
  const pks = options.accountPks;
  let events = 0;
  for (let i = 0; i < pks.length; i += PROGRESS_EVERY) {
    const slice = pks.slice(i, i + PROGRESS_EVERY);
    await db.tx(async (tx) => {
      await lockAccounts(tx, slice);
      for (const t of AGGREGATE_TABLES) await tx.run(`DELETE FROM ${t} WHERE ${tx.dialect.inJsonArray('account_pk', 'int')}`, [JSON.stringify(slice)]);
      events += await aggregateEvents(tx, slice, aggregateWriters(tx), () => {});
    });
    options.onProgress?.(Math.min(pks.length, i + PROGRESS_EVERY), pks.length);
  }
  return { events };
}
