/**
 * Aggregates kept in step with events: per account and UTC day, the trigger counts (with property
 * statistics), contact counts and feature counts, stored only as packed 8-day blocks
 * (`agg_packed`, lib/server/packed-days.ts), plus first/last activity (`account_activity`).
 * Scores are computed from these, never from scans of raw events.
 */
import type { Db } from '@/db/open';
import { addProps, AccountDays, aggregateWriters, dayOf, FEATURE_PROPERTY, type AggregateWriters, type PropMap } from './aggregate-days';
import { applyToPacked } from './packed-aggregates';

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
 * Writes accumulated aggregates: the account's first/last activity, and the per-day aggregates
 * merged into their packed blocks. Run inside the caller's transaction.
 */
function flush(db: Db, acc: Accumulator): void {
  const c = db.$client;
  const upsertActivity = c.prepare(
    'INSERT INTO account_activity (account_pk, first_at, last_at, events) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (account_pk) DO UPDATE SET first_at = min(first_at, excluded.first_at), ' +
      'last_at = max(last_at, excluded.last_at), events = events + excluded.events',
  );
  for (const [accountPk, a] of acc.activity) upsertActivity.run(accountPk, a.firstAt, a.lastAt, a.events);
  applyToPacked(db, { daily: acc.daily.values(), contacts: acc.contacts.values(), features: acc.featureDays.values() });
}

/**
 * Adds newly written events to the aggregates. Must run in the same transaction as the event
 * inserts, so that an event and its aggregates are committed together or not at all.
 */
export function applyEventsToAggregates(db: Db, events: Iterable<AggregatableEvent>): void {
  const acc = new Accumulator();
  for (const e of events) acc.add(e);
  flush(db, acc);
}

type EventRow = [accountPk: number, contactPk: number | null, type: string, occurredAt: number, count: number, properties: string | null];

const AGGREGATE_TABLES = ['agg_packed', 'account_activity'] as const;
/** Accounts per transaction of a partial rebuild, and between progress reports. */
const PROGRESS_EVERY = 200;

/**
 * Recomputes every aggregate from the raw events: all accounts, or the given ones.
 *
 * All accounts: one transaction, so readers keep the old aggregates until the new ones are
 * complete and a failure leaves them untouched. Inside it the tables' secondary indexes are
 * dropped, the rows are appended in primary-key order from one pass over the events in (account,
 * time) order, and the indexes are created again: building an index once from sorted data is far
 * cheaper than keeping it up to date row by row. The write lock is held throughout (a few minutes
 * for ten million events), so run it for bulk loads, not under live ingestion.
 *
 * Given accounts: their rows are replaced, 200 accounts per transaction.
 */
export function rebuildAggregates(db: Db, options: { accountPks?: number[]; onProgress?: (done: number, total: number) => void } = {}): { events: number } {
  const c = db.$client;
  const full = !options.accountPks;
  const pks = options.accountPks ?? (c.prepare('SELECT pk FROM accounts ORDER BY pk').pluck().all() as number[]);
  // The (account_pk, occurred_at) index gives an account's events in the order its rows are built in.
  const readEvents = c.prepare(`SELECT account_pk, contact_pk, type, occurred_at, count, properties FROM events WHERE account_pk = ? ORDER BY occurred_at`).raw();
  const aggregate = (pk: number, out: AggregateWriters): number => {
    const days = new AccountDays(pk, out);
    for (const [, contactPk, type, occurredAt, count, properties] of readEvents.all(pk) as EventRow[]) {
      // Only read (its own keys, into maps without a prototype): plain JSON.parse, the rebuild's hot path.
      days.add(contactPk, type, occurredAt, count, properties ? (JSON.parse(properties) as Record<string, unknown>) : null);
    }
    return days.finish();
  };
  let events = 0;

  if (full) {
    return db.transaction(() => {
      const indexes = c
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${AGGREGATE_TABLES.map((t) => `'${t}'`).join(', ')})`)
        .all() as { name: string; sql: string }[];
      for (const ix of indexes) c.prepare(`DROP INDEX ${ix.name}`).run();
      for (const t of AGGREGATE_TABLES) c.prepare(`DELETE FROM ${t}`).run();
      const out = aggregateWriters(db);
      pks.forEach((pk, i) => {
        events += aggregate(pk, out);
        if ((i + 1) % PROGRESS_EVERY === 0 && i + 1 < pks.length) options.onProgress?.(i + 1, pks.length);
      });
      Object.values(out).forEach((w) => w.flush());
      // Index builds sort; SQLite may give the sorter helper threads (a connection setting, restored).
      const threads = c.pragma('threads', { simple: true }) as number;
      c.pragma('threads = 2');
      try {
        for (const ix of indexes) c.prepare(ix.sql).run();
      } finally {
        c.pragma(`threads = ${threads}`);
      }
      options.onProgress?.(pks.length, pks.length);
      return { events };
    });
  }
  const clear = AGGREGATE_TABLES.map((t) => c.prepare(`DELETE FROM ${t} WHERE account_pk = ?`));
  for (let i = 0; i < pks.length; i += PROGRESS_EVERY) {
    const slice = pks.slice(i, i + PROGRESS_EVERY);
    db.transaction(() => {
      const out = aggregateWriters(db);
      for (const pk of slice) {
        clear.forEach((s) => s.run(pk));
        events += aggregate(pk, out);
      }
      Object.values(out).forEach((w) => w.flush());
    });
    options.onProgress?.(Math.min(pks.length, i + PROGRESS_EVERY), pks.length);
  }
  return { events };
}
