/**
 * Summing events into account-days, in memory, the same way for both writers of the aggregates:
 * a batch's events by account, day and key (`Accumulator`, merged into the stored blocks by
 * apply.ts), and one account's events in time order, a day at a time, for rebuilds
 * (`AccountDays`): a day is complete when the next day starts, so it goes straight into the
 * packed block in progress (appended in primary-key order, rebuild.ts), with no map of every
 * (account, day, type) key held in memory.
 */
import { dict } from '@/lib/dict';
import { addValue, keepsValues } from '@/lib/scoring/prop-values';
import type { RowWriter } from '../commands/row-writer';
import { emptyDay, type DayAgg, type PropMap } from './format';
import type { PackedBlockWriter } from './rebuild';

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** The event property that names a catalogue feature (read by the adoption measure). */
export const FEATURE_PROPERTY = 'feature';

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
export class Accumulator {
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

/** The writers a rebuild feeds (`aggregateWriters`); rows are buffered until their `write` or `flush`. */
export interface AggregateWriters {
  activity: RowWriter;
  packed: PackedBlockWriter;
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
