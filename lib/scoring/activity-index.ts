/**
 * What the engine learns once about an `AccountActivity` and reuses for every as-of date:
 * whether each bucket array is sorted (to binary-search a window instead of scanning history),
 * and small integer ids for its types, contacts and (type, feature) pairs, so that summarising a
 * window adds into typed arrays instead of hashing strings. History scores the same account for
 * hundreds of days in a row, so this is cached per bucket array: activity arrays are treated as
 * immutable once scored (build new arrays rather than mutating them).
 */
import type { ContactBucket, FeatureBucket, TypeBucket } from './types';

export interface Interned {
  /** id of each bucket's key, by bucket position */
  ids: Int32Array;
  /** key of each id */
  names: string[];
  index: Map<string, number>;
}

export interface TypeIndex extends Interned {
  sorted: boolean;
  /** sorted starts of the `outreach.replied` buckets: the last reply may be older than any window */
  replyTimes: number[];
  /** positions of each type's buckets, ascending (built on first use by `positionsOf`) */
  positions: Int32Array[] | null;
}
export interface ContactIndex extends Interned {
  sorted: boolean;
}
export interface FeatureIndex {
  sorted: boolean;
  ids: Int32Array;
  count: number;
  /** type -> feature -> pair id */
  byType: Map<string, Map<string, number>>;
}

/** True when the buckets come in ascending `t`. */
export function isSorted(a: readonly { t: number }[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i].t < a[i - 1].t) return false;
  return true;
}

function isAscending(a: readonly number[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] < a[i - 1]) return false;
  return true;
}

function intern<B>(a: readonly B[], key: (b: B) => string): Interned {
  const ids = new Int32Array(a.length);
  const names: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < a.length; i++) {
    const k = key(a[i]);
    let id = index.get(k);
    if (id === undefined) index.set(k, (id = names.push(k) - 1));
    ids[i] = id;
  }
  return { ids, names, index };
}

const typeCache = new WeakMap<readonly TypeBucket[], TypeIndex>();
const contactCache = new WeakMap<readonly ContactBucket[], ContactIndex>();
const featureCache = new WeakMap<readonly FeatureBucket[], FeatureIndex>();

export const OUTREACH_SENT = 'outreach.sent';
export const OUTREACH_REPLIED = 'outreach.replied';

/**
 * The index of a bucket array, kept for later calls unless `keep` is false (an array scored once:
 * keeping costs the garbage collector more than building it again would).
 */
export function typeIndexOf(a: readonly TypeBucket[], keep = true): TypeIndex {
  let x = keep ? typeCache.get(a) : undefined;
  if (!x) {
    const replyTimes: number[] = [];
    for (const b of a) if (b.type === OUTREACH_REPLIED) replyTimes.push(b.t);
    if (!isAscending(replyTimes)) replyTimes.sort((p, q) => p - q);
    const { ids, names, index } = intern(a, (b) => b.type);
    x = { ids, names, index, sorted: isSorted(a), replyTimes, positions: null };
    if (keep) typeCache.set(a, x);
  }
  return x;
}

export function contactIndexOf(a: readonly ContactBucket[], keep = true): ContactIndex {
  let x = keep ? contactCache.get(a) : undefined;
  if (!x) {
    const { ids, names, index } = intern(a, (b) => b.contactId);
    x = { ids, names, index, sorted: isSorted(a) };
    if (keep) contactCache.set(a, x);
  }
  return x;
}

export function featureIndexOf(a: readonly FeatureBucket[], keep = true): FeatureIndex {
  let x = keep ? featureCache.get(a) : undefined;
  if (!x) {
    const ids = new Int32Array(a.length);
    const byType = new Map<string, Map<string, number>>();
    let count = 0;
    for (let i = 0; i < a.length; i++) {
      let m = byType.get(a[i].type);
      if (!m) byType.set(a[i].type, (m = new Map()));
      let id = m.get(a[i].feature);
      if (id === undefined) m.set(a[i].feature, (id = count++));
      ids[i] = id;
    }
    x = { sorted: isSorted(a), ids, count, byType };
    if (keep) featureCache.set(a, x);
  }
  return x;
}

/** The positions of the buckets of type `id`, ascending: reading one type of a window need not
 * step over every other type's buckets. */
export function positionsOf(ti: TypeIndex, id: number): Int32Array {
  if (!ti.positions) {
    const counts = new Int32Array(ti.names.length);
    for (let j = 0; j < ti.ids.length; j++) counts[ti.ids[j]]++;
    const positions = Array.from(counts, (n) => new Int32Array(n));
    counts.fill(0);
    for (let j = 0; j < ti.ids.length; j++) positions[ti.ids[j]][counts[ti.ids[j]]++] = j;
    ti.positions = positions;
  }
  return ti.positions[id];
}

/** First index in `positions` whose bucket starts at or after `x` (buckets sorted by `t`). */
export function firstPositionFrom(a: readonly { t: number }[], positions: Int32Array, x: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[positions[mid]].t < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose `t` is >= x in a sorted array. */
function lowerBound(a: readonly { t: number }[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid].t < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index range that can hold buckets in `[from, to)`: a slice when sorted, else everything. */
export function rangeOf(a: readonly { t: number }[], sorted: boolean, from: number, to: number): [number, number] {
  return sorted ? [lowerBound(a, from), lowerBound(a, to)] : [0, a.length];
}

/** The largest value below `to` in a sorted array, or null. */
export function lastBefore(sorted: readonly number[], to: number): number | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < to) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : null;
}
