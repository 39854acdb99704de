/**
 * Rebuilding the aggregates from the raw events, for all accounts or some: each account's events
 * are read in time order and summed a day at a time (`AccountDays`, days.ts), and each block, once
 * complete, is encoded and appended (`PackedBlockWriter`), in primary-key order.
 */
import type { SqlParam, Store } from '@/lib/server/store';
import { rebuildTouches } from '../commands/cadence';
import { RowWriter } from '../commands/row-writer';
import { lockAccounts } from './apply';
import { AccountDays, type AggregateWriters } from './days';
import { blockOf, encodeDays, NameIds, namesOf, type DayAgg } from './format';

/**
 * Collects an account's days (in ascending order) into blocks and appends one row per block.
 * Blocks are collected as days come (`day`, `endAccount`) and encoded and written by `write`.
 */
export class PackedBlockWriter {
  private readonly rows: RowWriter;
  private ids: NameIds | null = null;
  private accountPk = -1;
  private block = NaN;
  private days: DayAgg[] = [];
  private done: { accountPk: number; block: number; days: DayAgg[] }[] = [];

  constructor(private readonly db: Store) {
    this.rows = new RowWriter(db, 'agg_packed', ['account_pk', 'block', 'data'], 64);
  }

  day(accountPk: number, d: DayAgg): void {
    const block = blockOf(d.day);
    if (accountPk !== this.accountPk || block !== this.block) {
      this.endAccount();
      this.accountPk = accountPk;
      this.block = block;
    }
    this.days.push(d);
  }

  /** Ends the block in progress. */
  endAccount(): void {
    if (this.days.length) this.done.push({ accountPk: this.accountPk, block: this.block, days: this.days });
    this.days = [];
  }

  /** Encodes the blocks ended so far and writes the full statements of them. */
  async write(): Promise<void> {
    const done = this.done;
    this.done = [];
    if (done.length) {
      this.ids ??= await NameIds.load(this.db);
      await this.ids.add(namesOf(done.flatMap((b) => b.days)));
      for (const b of done) this.rows.push(b.accountPk, b.block, encodeDays(b.days, this.ids));
    }
    await this.rows.write();
  }

  async flush(): Promise<void> {
    this.endAccount();
    await this.write();
    await this.rows.flush();
  }
}

/** The writers a rebuild feeds; rows are buffered until their `write` or `flush`. */
function aggregateWriters(db: Store): AggregateWriters {
  return {
    activity: new RowWriter(db, 'account_activity', ['account_pk', 'first_at', 'last_at', 'events']),
    packed: new PackedBlockWriter(db),
  };
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
    const rebuilt = await db.tx(async (tx) => {
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
    // The cadence's touches come from the same events.
    await rebuildTouches(db);
    return rebuilt;
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

/**
 * True when events exist but no packed aggregates do: a database upgraded from a version that
 * kept the per-day aggregates in the agg_daily, agg_contact_daily and agg_feature_daily tables
 * (dropped by migration 0005), whose aggregates must be rebuilt from the raw events.
 */
export async function packedAggregatesMissing(db: Store): Promise<boolean> {
  return (await db.value('SELECT CASE WHEN EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM agg_packed) THEN 1 ELSE 0 END')) === 1;
}
