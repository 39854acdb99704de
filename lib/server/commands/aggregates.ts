/**
 * Aggregates kept in step with events: per account, UTC day and trigger (with property
 * statistics), per contact-day and per feature-day, plus first/last activity. Scores are
 * computed from these, never from scans of raw events.
 */
import type { Db } from '@/db/open';
import type { PropStat } from '@/lib/scoring/types';

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** The event property that names a catalogue feature (read by the adoption measure). */
export const FEATURE_PROPERTY = 'feature';

export interface AggregatableEvent {
  accountPk: number;
  contactPk: number | null;
  type: string;
  occurredAt: number;
  count: number;
  properties: Record<string, unknown> | null;
}

type PropMap = Record<string, PropStat>;

interface DailyAcc {
  accountPk: number;
  day: number;
  type: string;
  n: number;
  props: PropMap | null;
}

/**
 * Adds one event's properties (weighted by its count) to a property map, exactly as the scoring
 * engine's reference `buildActivity` does: true booleans add k to `t`; a number x adds k*x to `s`,
 * k to `c` and k entries to `v`.
 */
export function addProps(target: PropMap | null, properties: Record<string, unknown> | null, count: number): PropMap | null {
  if (!properties) return target;
  let map = target;
  for (const key in properties) {
    const value = properties[key];
    const isNum = typeof value === 'number' && Number.isFinite(value);
    if (value !== true && !isNum) continue;
    map ??= {};
    const stat = (map[key] ??= { t: 0, s: 0, c: 0 });
    if (value === true) stat.t += count;
    if (isNum) {
      stat.s += value * count;
      stat.c += count;
      const values = (stat.v ??= []);
      for (let i = 0; i < count; i++) values.push(value);
    }
  }
  return map;
}

function mergeProps(target: PropMap | null, source: PropMap | null): PropMap | null {
  if (!source) return target;
  const map = target ?? {};
  for (const key in source) {
    const src = source[key]!;
    const dst = (map[key] ??= { t: 0, s: 0, c: 0 });
    dst.t += src.t;
    dst.s += src.s;
    dst.c += src.c;
    if (src.v) (dst.v ??= []).push(...src.v);
  }
  return map;
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
    d.props = addProps(d.props, e.properties, e.count);
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

  get size(): number {
    return this.daily.size;
  }
}

/** Writes accumulated aggregates, merging into existing rows. Run inside the caller's transaction. */
function flush(db: Db, acc: Accumulator, merge: boolean): void {
  const c = db.$client;
  const selectDaily = c.prepare('SELECT n, props FROM agg_daily WHERE account_pk = ? AND day = ? AND type = ?');
  const upsertDaily = c.prepare(
    'INSERT INTO agg_daily (account_pk, day, type, n, props) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (account_pk, day, type) DO UPDATE SET n = excluded.n, props = excluded.props',
  );
  // Most events carry no numeric or boolean property: their counts add up in SQL, no read needed.
  const addDaily = c.prepare(
    'INSERT INTO agg_daily (account_pk, day, type, n, props) VALUES (?, ?, ?, ?, NULL) ' +
      'ON CONFLICT (account_pk, day, type) DO UPDATE SET n = n + excluded.n',
  );
  for (const d of acc.daily.values()) {
    let n = d.n;
    let props = d.props;
    if (merge && props === null) {
      addDaily.run(d.accountPk, d.day, d.type, n);
      continue;
    }
    if (merge) {
      const existing = selectDaily.get(d.accountPk, d.day, d.type) as { n: number; props: string | null } | undefined;
      if (existing) {
        n += existing.n;
        props = mergeProps(existing.props ? (JSON.parse(existing.props) as PropMap) : null, props);
      }
    }
    upsertDaily.run(d.accountPk, d.day, d.type, n, props ? JSON.stringify(props) : null);
  }
  const upsertContact = c.prepare(
    'INSERT INTO agg_contact_daily (account_pk, day, contact_pk, n) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (account_pk, day, contact_pk) DO UPDATE SET n = n + excluded.n',
  );
  for (const r of acc.contacts.values()) upsertContact.run(r.accountPk, r.day, r.contactPk, r.n);
  const upsertFeature = c.prepare(
    'INSERT INTO agg_feature_daily (account_pk, day, type, feature, n) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (account_pk, day, type, feature) DO UPDATE SET n = n + excluded.n',
  );
  for (const r of acc.featureDays.values()) upsertFeature.run(r.accountPk, r.day, r.type, r.feature, r.n);
  const upsertActivity = c.prepare(
    'INSERT INTO account_activity (account_pk, first_at, last_at, events) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (account_pk) DO UPDATE SET first_at = min(first_at, excluded.first_at), ' +
      'last_at = max(last_at, excluded.last_at), events = events + excluded.events',
  );
  for (const [accountPk, a] of acc.activity) upsertActivity.run(accountPk, a.firstAt, a.lastAt, a.events);
}

/**
 * Adds newly written events to the aggregates. Must run in the same transaction as the event
 * inserts, so that an event and its aggregates are committed together or not at all.
 */
export function applyEventsToAggregates(db: Db, events: Iterable<AggregatableEvent>): void {
  const acc = new Accumulator();
  for (const e of events) acc.add(e);
  flush(db, acc, true);
}

interface EventRow {
  account_pk: number;
  contact_pk: number | null;
  type: string;
  occurred_at: number;
  count: number;
  properties: string | null;
}

/**
 * Recomputes every aggregate from the raw events (all accounts, or the given ones), streaming
 * events account by account so memory stays bounded on large portfolios.
 */
export function rebuildAggregates(db: Db, options: { accountPks?: number[]; onProgress?: (done: number, total: number) => void } = {}): { events: number } {
  const c = db.$client;
  const pks = options.accountPks ?? (c.prepare('SELECT pk FROM accounts ORDER BY pk').pluck().all() as number[]);
  const total = pks.length;
  const readEvents = c.prepare('SELECT account_pk, contact_pk, type, occurred_at, count, properties FROM events WHERE account_pk = ?');
  const clear = ['agg_daily', 'agg_contact_daily', 'agg_feature_daily', 'account_activity'].map((t) =>
    c.prepare(options.accountPks ? `DELETE FROM ${t} WHERE account_pk = ?` : `DELETE FROM ${t}`),
  );
  let events = 0;
  const BATCH = 200;
  if (!options.accountPks) db.transaction(() => clear.forEach((s) => s.run()));
  for (let i = 0; i < total; i += BATCH) {
    const slice = pks.slice(i, i + BATCH);
    db.transaction(() => {
      const acc = new Accumulator();
      for (const pk of slice) {
        if (options.accountPks) clear.forEach((s) => s.run(pk));
        for (const row of readEvents.iterate(pk) as IterableIterator<EventRow>) {
          events += 1;
          acc.add({
            accountPk: row.account_pk,
            contactPk: row.contact_pk,
            type: row.type,
            occurredAt: row.occurred_at,
            count: row.count,
            properties: row.properties ? (JSON.parse(row.properties) as Record<string, unknown>) : null,
          });
        }
      }
      flush(db, acc, false);
    });
    options.onProgress?.(Math.min(total, i + BATCH), total);
  }
  return { events };
}
