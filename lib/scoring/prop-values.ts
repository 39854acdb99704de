/**
 * The numeric values of a property statistic, weighted by the events' counts: an event with
 * `count` k adds one entry of weight k (never k copies), so the work and storage an event costs
 * do not grow with its count. Medians are computed over the weighted values exactly as over the
 * values repeated.
 */
import { dict } from '@/lib/dict';
import type { PropStat } from './types';

/**
 * A stored statistic (one account, day, trigger and property) keeps at most this many values;
 * later ones still count in its sum and count, and medians stand in for them with their mean.
 * Far above what real activity produces in a day, it bounds what a flood of events can make
 * every later batch read and rewrite.
 */
export const MAX_KEPT_VALUES = 4096;

/** Adds value `x` counted `k` times (nothing past `MAX_KEPT_VALUES` values). */
export function addValue(stat: PropStat, x: number, k: number): void {
  const v = (stat.v ??= []);
  if (v.length >= MAX_KEPT_VALUES) return;
  if (k !== 1 || stat.w) (stat.w ??= new Array<number>(v.length).fill(1)).push(k);
  v.push(x);
}

/** Appends `src`'s values (with their weights) to `dst`'s, up to `limit` values in all. */
export function appendValues(dst: PropStat, src: PropStat, limit = Infinity): void {
  if (!src.v) return;
  const v = (dst.v ??= []);
  const take = Math.max(0, Math.min(src.v.length, limit - v.length));
  if (src.w || dst.w) {
    const w = (dst.w ??= new Array<number>(v.length).fill(1));
    for (let i = 0; i < take; i++) w.push(src.w ? src.w[i] : 1);
  }
  for (let i = 0; i < take; i++) v.push(src.v[i]);
}

/** The total weight of a statistic's values (how many events they stand for). */
export function valueWeight(stat: Pick<PropStat, 'v' | 'w'>): number {
  if (!stat.v) return 0;
  if (!stat.w) return stat.v.length;
  let n = 0;
  for (let i = 0; i < stat.w.length; i++) n += stat.w[i];
  return n;
}

/**
 * Median of weighted values: the median of the list in which each value appears as many times
 * as its weight. Weights are whole numbers >= 1. Null when there is no value.
 */
export function weightedMedian(values: readonly number[], weights: readonly number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  // 0-based positions of the middle entries of the expanded list.
  const lo = Math.floor((total - 1) / 2);
  const hi = Math.floor(total / 2);
  let seen = 0;
  let low: number | null = null;
  for (const i of order) {
    seen += weights[i];
    if (low === null && seen > lo) low = values[i];
    if (seen > hi) return total % 2 ? values[i] : (low! + values[i]) / 2;
  }
  return low;
}

/**
 * The (trigger, property) pairs whose values are kept for medians: reply times of outreach (the
 * "slowing replies" flag) and NPS answers (the cohorts' NPS by band). Every other numeric property
 * keeps its count and sum only (means), so an event's properties cost a fixed amount of storage.
 */
const VALUE_PROPERTIES: ReadonlyMap<string, string> = new Map([
  ['outreach.replied', 'responseHours'],
  ['nps.response', 'score'],
]);

export function keepsValues(type: string, property: string): boolean {
  return VALUE_PROPERTIES.get(type) === property;
}

/**
 * One bucket's property statistics, lent for the length of a call: reading stored aggregates
 * fills the same objects for every bucket, so a receiver that keeps them copies them
 * (`recordOfLent`). Merging them into other statistics needs no copy.
 */
export interface LentProps {
  readonly length: number;
  name(i: number): string;
  stat(i: number): PropStat;
}

/** A kept copy of lent statistics, keyed by property name. */
export function recordOfLent(props: LentProps): Record<string, PropStat> {
  const out = dict<PropStat>();
  for (let i = 0; i < props.length; i++) {
    const p = props.stat(i);
    const copy: PropStat = { t: p.t, s: p.s, c: p.c };
    if (p.w) copy.w = p.w.slice();
    if (p.v) copy.v = p.v.slice();
    out[props.name(i)] = copy;
  }
  return out;
}

/** Statistics kept by name, lent as `LentProps` (the objects themselves, not copies). */
export function lendRecord(record: Readonly<Record<string, PropStat>>): LentProps {
  const names = Object.keys(record);
  return { length: names.length, name: (i) => names[i], stat: (i) => record[names[i]] };
}
