/**
 * Building one account's aggregates from its events in time order, a day at a time, for
 * rebuilds: a day is complete when the next day starts, so it goes straight into the packed
 * block in progress (appended in primary-key order), with no map of every (account, day, type)
 * key held in memory.
 */
import { dict } from '@/lib/dict';
import { addValue, keepsValues } from '@/lib/scoring/prop-values';
import type { PropStat } from '@/lib/scoring/types';
import type { Store } from '@/lib/server/store';
import { emptyDay, type DayAgg } from '../packed-days';
import { PackedBlockWriter } from './packed-aggregates';
import { RowWriter } from './row-writer';

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** The event property that names a catalogue feature (read by the adoption measure). */
export const FEATURE_PROPERTY = 'feature';

export type PropMap = Record<string, PropStat>;

/**
 * Adds one event's properties (weighted by its count) to a property map, exactly as the scoring
 * engine's reference `buildActivity` does: true booleans add k to `t`; a number x adds k*x to `s`,
 * k to `c` and, for the properties kept for medians (`keepsValues`), one entry x of weight k to `v`/`w`.
 */
export function addProps(target: PropMap | null, type: string, properties: Record<string, unknown> | null, count: number): PropMap | null {
  if (!properties) return target;
  let map = target;
  for (const key in properties) {
    const value = properties[key];
    const isNum = typeof value === 'number' && Number.isFinite(value);
    if (value !== true && !isNum) continue;
    map ??= dict();
    const stat = (map[key] ??= { t: 0, s: 0, c: 0 });
    if (value === true) stat.t += count;
    if (isNum) {
      stat.s += value * count;
      stat.c += count;
      if (keepsValues(type, key)) addValue(stat, value, count);
    }
  }
  return map;
}

export interface AggregateWriters {
  activity: RowWriter;
  packed: PackedBlockWriter;
}

/** The writers a rebuild feeds; rows are buffered until their `write` or `flush`. */
export function aggregateWriters(db: Store): AggregateWriters {
  return {
    activity: new RowWriter(db, 'account_activity', ['account_pk', 'first_at', 'last_at', 'events']),
    packed: new PackedBlockWriter(db),
  };
}

/** One account's aggregates, fed its events in ascending `occurredAt`. */
export class AccountDays {
  private current: DayAgg | null = null;
  private firstAt = Infinity;
  private lastAt = -Infinity;
  private events = 0;

  constructor(
    readonly accountPk: number,
    private readonly out: AggregateWriters,
  ) {}

  add(contactPk: number | null, type: string, occurredAt: number, count: number, properties: Record<string, unknown> | null): void {
    const day = dayOf(occurredAt);
    let cur = this.current;
    if (cur === null || day !== cur.day) {
      this.endDay();
      this.current = cur = emptyDay(day);
    }
    const d = cur.types.get(type);
    if (d) {
      d.n += count;
      d.props = addProps(d.props, type, properties, count);
    } else {
      cur.types.set(type, { n: count, props: addProps(null, type, properties, count) });
    }
    if (contactPk !== null) cur.contacts.set(contactPk, (cur.contacts.get(contactPk) ?? 0) + count);
    const feature = properties?.[FEATURE_PROPERTY];
    if (typeof feature === 'string' && feature) {
      let m = cur.features.get(type);
      if (!m) cur.features.set(type, (m = new Map()));
      m.set(feature, (m.get(feature) ?? 0) + count);
    }
    if (occurredAt < this.firstAt) this.firstAt = occurredAt;
    if (occurredAt > this.lastAt) this.lastAt = occurredAt;
    this.events += 1;
  }

  /** Hands the day in progress to the packed block writer. */
  private endDay(): void {
    const cur = this.current;
    if (cur === null) return;
    this.out.packed.day(this.accountPk, cur);
    this.current = null;
  }

  /** Hands over the last day and the account's first/last activity; returns how many events it saw. */
  finish(): number {
    this.endDay();
    this.out.packed.endAccount();
    if (this.events) this.out.activity.push(this.accountPk, this.firstAt, this.lastAt, this.events);
    return this.events;
  }
}
