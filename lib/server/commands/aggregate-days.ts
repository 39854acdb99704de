/**
 * Building aggregate rows from one account's events in time order, a day at a time, for full
 * rebuilds: the rows of a day are complete when the next day starts, so they go straight out in
 * primary-key order through multi-row INSERTs (appends to the WITHOUT ROWID b-trees), with no
 * map of every (account, day, type) key held in memory.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/open';
import type { PropStat } from '@/lib/scoring/types';

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** The event property that names a catalogue feature (read by the adoption measure). */
export const FEATURE_PROPERTY = 'feature';

export type PropMap = Record<string, PropStat>;

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

/** Buffers rows of one table and writes them with multi-row INSERTs. */
export class RowWriter {
  private values: unknown[] = [];
  private readonly full: Statement<unknown[]>;
  private readonly width: number;

  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly rowsPerStatement = Math.floor(2048 / columns.length),
  ) {
    this.width = columns.length;
    this.full = db.$client.prepare<unknown[]>(this.sql(rowsPerStatement));
  }

  private sql(rows: number): string {
    const tuple = `(${this.columns.map(() => '?').join(', ')})`;
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`;
  }

  push(...row: unknown[]): void {
    for (const v of row) this.values.push(v);
    if (this.values.length === this.rowsPerStatement * this.width) {
      this.full.run(this.values);
      this.values = [];
    }
  }

  flush(): void {
    if (!this.values.length) return;
    this.db.$client.prepare(this.sql(this.values.length / this.width)).run(this.values);
    this.values = [];
  }
}

export interface AggregateWriters {
  daily: RowWriter;
  contacts: RowWriter;
  features: RowWriter;
  activity: RowWriter;
}

export function aggregateWriters(db: Db): AggregateWriters {
  return {
    daily: new RowWriter(db, 'agg_daily', ['account_pk', 'day', 'type', 'n', 'props']),
    contacts: new RowWriter(db, 'agg_contact_daily', ['account_pk', 'day', 'contact_pk', 'n']),
    features: new RowWriter(db, 'agg_feature_daily', ['account_pk', 'day', 'type', 'feature', 'n']),
    activity: new RowWriter(db, 'account_activity', ['account_pk', 'first_at', 'last_at', 'events']),
  };
}

const byKey = <V>(a: [string, V], b: [string, V]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** One account's aggregates, fed its events in ascending `occurredAt`. */
export class AccountDays {
  private day = NaN;
  private readonly types = new Map<string, { n: number; props: PropMap | null }>();
  private readonly contacts = new Map<number, number>();
  /** type -> feature -> n */
  private readonly features = new Map<string, Map<string, number>>();
  private firstAt = Infinity;
  private lastAt = -Infinity;
  private events = 0;

  constructor(
    readonly accountPk: number,
    private readonly out: AggregateWriters,
  ) {}

  add(contactPk: number | null, type: string, occurredAt: number, count: number, properties: Record<string, unknown> | null): void {
    const day = dayOf(occurredAt);
    if (day !== this.day) {
      this.endDay();
      this.day = day;
    }
    const d = this.types.get(type);
    if (d) {
      d.n += count;
      d.props = addProps(d.props, properties, count);
    } else {
      this.types.set(type, { n: count, props: addProps(null, properties, count) });
    }
    if (contactPk !== null) this.contacts.set(contactPk, (this.contacts.get(contactPk) ?? 0) + count);
    const feature = properties?.[FEATURE_PROPERTY];
    if (typeof feature === 'string' && feature) {
      let m = this.features.get(type);
      if (!m) this.features.set(type, (m = new Map()));
      m.set(feature, (m.get(feature) ?? 0) + count);
    }
    if (occurredAt < this.firstAt) this.firstAt = occurredAt;
    if (occurredAt > this.lastAt) this.lastAt = occurredAt;
    this.events += 1;
  }

  /** Writes the day in progress, in primary-key order. */
  private endDay(): void {
    if (Number.isNaN(this.day)) return;
    const { accountPk: a, day, out } = this;
    for (const [type, d] of [...this.types].sort(byKey)) out.daily.push(a, day, type, d.n, d.props ? JSON.stringify(d.props) : null);
    for (const [contactPk, n] of [...this.contacts].sort((x, y) => x[0] - y[0])) out.contacts.push(a, day, contactPk, n);
    for (const [type, m] of [...this.features].sort(byKey)) for (const [feature, n] of [...m].sort(byKey)) out.features.push(a, day, type, feature, n);
    this.types.clear();
    this.contacts.clear();
    this.features.clear();
  }

  /** Writes the last day and the account's first/last activity; returns how many events it saw. */
  finish(): number {
    this.endDay();
    if (this.events) this.out.activity.push(this.accountPk, this.firstAt, this.lastAt, this.events);
    return this.events;
  }
}
