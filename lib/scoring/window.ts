/**
 * Summaries of an account's activity over half-open windows `[from, to)`. The engine needs the
 * current and the previous window for every score, so both are built in one pass over the buckets:
 * history scoring calls this millions of times.
 */
import {
  contactIndexOf,
  featureIndexOf,
  firstPositionFrom,
  lastBefore,
  positionsOf,
  OUTREACH_SENT,
  rangeOf,
  typeIndexOf,
  type ContactIndex,
  type FeatureIndex,
  type TypeIndex,
} from './activity-index';
import { valueWeight, weightedMedian } from './prop-values';
import type { AccountActivity } from './types';

export const DAY_MS = 86_400_000;

/** Merged statistics of one property over a window. `vs` keeps references to the buckets' value
 * arrays and `ws` to their weights (null: each value counts once), copied only when a median is
 * asked for; `vc` is how many events the values stand for (their summed weights). */
export interface PropAgg {
  t: number;
  s: number;
  c: number;
  vs: number[][] | null;
  ws: (number[] | null)[] | null;
  vc: number;
}

/** The outreach emails still waiting for a reply at the window's end (see docs/scoring.md). */
export interface OutreachRun {
  /** summed `outreach.sent` in the window in buckets strictly after the last reply bucket */
  sent: number;
  /** start of the last `outreach.replied` bucket before the window's end (any age), or null */
  lastReplyAt: number | null;
}

/**
 * One window of one account. Counts are kept in typed arrays indexed by the ids of the
 * activity's index (see activity-index.ts); read them through the functions below.
 */
export interface WindowSummary {
  from: number;
  to: number;
  activity: AccountActivity;
  ti: TypeIndex;
  ci: ContactIndex;
  fi: FeatureIndex;
  /** summed `n` per type id */
  typeN: Float64Array;
  /** summed `n` per contact id */
  contactN: Float64Array;
  /** ids of the engaged contacts, in order of first appearance */
  engaged: number[];
  /** 1 per (type, feature) pair id used in the window */
  featureUsed: Uint8Array;
  outreach: OutreachRun;
  /** bucket ranges that may hold the window, for the lazy reads */
  typeRange: [number, number];
  contactRange: [number, number];
  /** property statistics merged on first read: type id -> property -> stats */
  props: Map<number, Map<string, PropAgg>> | null;
}

/** Live scores are as of the end of the current UTC day, so the window is the last `windowDays`
 * calendar days including today (stored aggregates are per UTC day). */
export function endOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;
}

export function windowBounds(asOf: number, windowDays: number) {
  const len = windowDays * DAY_MS;
  return { current: { from: asOf - len, to: asOf }, previous: { from: asOf - 2 * len, to: asOf - len } };
}

/**
 * Summarise any number of windows in one pass over the buckets that can fall in them (a binary
 * searched slice when the buckets are sorted by `t`). Windows are half-open: a bucket at exactly
 * `from` is in, one at exactly `to` is out.
 */
export function summarizeWindowsInto(activity: AccountActivity, bounds: readonly { from: number; to: number }[]): WindowSummary[] {
  const keep = activity.scoredOnce !== true;
  const ti = typeIndexOf(activity.types, keep);
  const ci = contactIndexOf(activity.contacts, keep);
  const fi = featureIndexOf(activity.features, keep);
  let minFrom = Infinity;
  let maxTo = -Infinity;
  for (const b of bounds) {
    minFrom = Math.min(minFrom, b.from);
    maxTo = Math.max(maxTo, b.to);
  }
  const typeRange = rangeOf(activity.types, ti.sorted, minFrom, maxTo);
  const contactRange = rangeOf(activity.contacts, ci.sorted, minFrom, maxTo);
  const out: WindowSummary[] = bounds.map(({ from, to }) => ({
    from,
    to,
    activity,
    ti,
    ci,
    fi,
    typeN: new Float64Array(ti.names.length),
    contactN: new Float64Array(ci.names.length),
    engaged: [],
    featureUsed: new Uint8Array(fi.count),
    outreach: { sent: 0, lastReplyAt: lastBefore(ti.replyTimes, to) },
    typeRange,
    contactRange,
    props: null,
  }));
  const k = out.length;
  const sentId = ti.index.get(OUTREACH_SENT) ?? -1;

  const types = activity.types;
  for (let j = typeRange[0]; j < typeRange[1]; j++) {
    const b = types[j];
    const id = ti.ids[j];
    for (let i = 0; i < k; i++) {
      const w = out[i];
      if (b.t < w.from || b.t >= w.to) continue;
      w.typeN[id] += b.n;
      // A reply answers every outreach sent up to and including its own bucket (day-resolution rule).
      if (id === sentId && (w.outreach.lastReplyAt === null || b.t > w.outreach.lastReplyAt)) w.outreach.sent += b.n;
    }
  }
  const contacts = activity.contacts;
  const seen = out.map(() => new Uint8Array(ci.names.length));
  for (let j = contactRange[0]; j < contactRange[1]; j++) {
    const c = contacts[j];
    const id = ci.ids[j];
    for (let i = 0; i < k; i++) {
      const w = out[i];
      if (c.t < w.from || c.t >= w.to) continue;
      if (seen[i][id] === 0) {
        seen[i][id] = 1;
        w.engaged.push(id);
      }
      w.contactN[id] += c.n;
    }
  }
  const features = activity.features;
  const [f0, f1] = rangeOf(features, fi.sorted, minFrom, maxTo);
  for (let j = f0; j < f1; j++) {
    const t = features[j].t;
    for (let i = 0; i < k; i++) if (t >= out[i].from && t < out[i].to) out[i].featureUsed[fi.ids[j]] = 1;
  }
  return out;
}

export function summarizeWindow(activity: AccountActivity, from: number, to: number): WindowSummary {
  return summarizeWindowsInto(activity, [{ from, to }])[0];
}

/** The current window `[T - d, T)` and the previous one `[T - 2d, T - d)`, in one pass. */
export function summarizeWindows(activity: AccountActivity, asOf: number, windowDays: number) {
  const b = windowBounds(asOf, windowDays);
  const [current, previous] = summarizeWindowsInto(activity, [b.current, b.previous]);
  return { current, previous };
}

// ---- readers ---------------------------------------------------------------------------------

/** Summed `count` of the events of the given types. */
export function countOf(w: WindowSummary, types: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < types.length; i++) {
    const id = w.ti.index.get(types[i]);
    if (id !== undefined) n += w.typeN[id];
  }
  return n;
}

/** Calls `visit` with each bucket of the given types in `[from, to)` (of any age when sorted: the
 * positions of each type are binary-searched; unsorted activity is scanned whole). */
function eachBucketOf(w: WindowSummary, types: readonly string[], from: number, to: number, visit: (t: number, n: number) => void): void {
  const buckets = w.activity.types;
  if (w.ti.sorted) {
    for (let i = 0; i < types.length; i++) {
      const id = w.ti.index.get(types[i]);
      if (id === undefined) continue;
      const positions = positionsOf(w.ti, id);
      for (let k = firstPositionFrom(buckets, positions, from); k < positions.length; k++) {
        const b = buckets[positions[k]];
        if (b.t >= to) break;
        visit(b.t, b.n);
      }
    }
    return;
  }
  const ids = types.map((t) => w.ti.index.get(t) ?? -1);
  for (let j = 0; j < buckets.length; j++) {
    const b = buckets[j];
    if (b.t >= from && b.t < to && ids.includes(w.ti.ids[j])) visit(b.t, b.n);
  }
}

/** The UTC day of an instant (days since the epoch). */
export const utcDay = (ms: number) => Math.floor(ms / DAY_MS);

/**
 * Distinct UTC days with at least one event of the given types in the window. Day buckets are one
 * day each; raw events count by the UTC day of their instant (a window that does not start at
 * midnight touches `windowDays + 1` days, each of which can count).
 */
export function activeDaysOf(w: WindowSummary, types: readonly string[]): number {
  const first = utcDay(w.from);
  const span = utcDay(w.to - 1) - first + 1;
  if (span <= 0) return 0;
  const seen = new Uint8Array(span);
  let days = 0;
  eachBucketOf(w, types, w.from, w.to, (t, n) => {
    const d = utcDay(t) - first;
    if (n > 0 && seen[d] === 0) {
      seen[d] = 1;
      days++;
    }
  });
  return days;
}

/**
 * Whole UTC days from the last event of the given types before the window's end (of any age the
 * activity holds) to the window's last day: 0 for an event on the day of `to - 1ms` (today, for a
 * live score as of the end of today), 1 the day before, and so on; null when there is none.
 * Calendar days, so day buckets and raw events give the same number.
 */
export function daysSinceLast(w: WindowSummary, types: readonly string[]): number | null {
  let last = -Infinity;
  const to = w.to;
  const buckets = w.activity.types;
  if (w.ti.sorted) {
    for (let i = 0; i < types.length; i++) {
      const id = w.ti.index.get(types[i]);
      if (id === undefined) continue;
      const positions = positionsOf(w.ti, id);
      for (let k = firstPositionFrom(buckets, positions, to) - 1; k >= 0; k--) {
        const b = buckets[positions[k]];
        if (b.n > 0) {
          if (b.t > last) last = b.t;
          break;
        }
      }
    }
  } else {
    eachBucketOf(w, types, -Infinity, to, (t, n) => {
      if (n > 0 && t > last) last = t;
    });
  }
  return last === -Infinity ? null : utcDay(to - 1) - utcDay(last);
}

/** Statistics of one property of one type over the window. All properties of a type are merged
 * in one scan on the first read (a measure reads several), then cached on the summary. */
export function propOf(w: WindowSummary, type: string, prop: string): PropAgg | undefined {
  const id = w.ti.index.get(type);
  if (id === undefined || w.typeN[id] === 0) return undefined;
  const byType = w.props ?? (w.props = new Map());
  let props = byType.get(id);
  if (!props) byType.set(id, (props = mergeProps(w, id)));
  return props.get(prop);
}

/** Below this many buckets a scan of the window is cheaper than indexing each type's positions. */
const POSITIONS_FROM = 64;

function mergeProps(w: WindowSummary, id: number): Map<string, PropAgg> {
  const out = new Map<string, PropAgg>();
  const buckets = w.activity.types;
  const add = (b: (typeof buckets)[number]) => {
    for (const name in b.props) {
      const p = b.props[name];
      let a = out.get(name);
      if (!a) out.set(name, (a = { t: 0, s: 0, c: 0, vs: null, ws: null, vc: 0 }));
      a.t += p.t;
      a.s += p.s;
      a.c += p.c;
      if (p.v && p.v.length) {
        (a.vs ??= []).push(p.v);
        (a.ws ??= []).push(p.w ?? null);
        a.vc += valueWeight(p);
      }
    }
  };
  if (w.ti.sorted && w.typeRange[1] - w.typeRange[0] > POSITIONS_FROM) {
    // Only this type's buckets, in the same (time) order as a scan of the window would visit them.
    const positions = positionsOf(w.ti, id);
    for (let k = firstPositionFrom(buckets, positions, w.from); k < positions.length; k++) {
      const b = buckets[positions[k]];
      if (b.t >= w.to) break;
      if (b.props) add(b);
    }
  } else {
    for (let j = w.typeRange[0]; j < w.typeRange[1]; j++) {
      const b = buckets[j];
      if (w.ti.ids[j] === id && b.t >= w.from && b.t < w.to && b.props) add(b);
    }
  }
  return out;
}

/** Sum of `t` (events whose property was true) over several types. */
export function trueCountOf(w: WindowSummary, types: readonly string[], prop: string): number {
  let t = 0;
  for (let i = 0; i < types.length; i++) t += propOf(w, types[i], prop)?.t ?? 0;
  return t;
}

/** The ids of the contacts engaged in the window (the `contactId` of at least one event). */
export function engagedContactIds(w: WindowSummary): string[] {
  return w.engaged.map((id) => w.ci.names[id]);
}

/** Summed `n` of the events of one contact in the window. */
export function contactCountOf(w: WindowSummary, contactId: string): number {
  const id = w.ci.index.get(contactId);
  return id === undefined ? 0 : w.contactN[id];
}

/** Was this feature named by an event of this type in the window? */
export function featureUsedIn(w: WindowSummary, type: string, feature: string): boolean {
  const id = w.fi.byType.get(type)?.get(feature);
  return id !== undefined && w.featureUsed[id] === 1;
}

/** Distinct contacts engaged through any of the given types (typed contact buckets only). */
export function contactsOfTypes(w: WindowSummary, types: readonly string[]): Set<string> {
  const out = new Set<string>();
  const buckets = w.activity.contacts;
  for (let j = w.contactRange[0]; j < w.contactRange[1]; j++) {
    const c = buckets[j];
    if (c.t >= w.from && c.t < w.to && c.type !== undefined && types.includes(c.type)) out.add(c.contactId);
  }
  return out;
}

/** Mean of a numeric property, or null when no event carried a value. */
export function meanOf(a: PropAgg | undefined): number | null {
  return a && a.c > 0 ? a.s / a.c : null;
}

/**
 * Median of a numeric property, or null when no value. Buckets that counted values without
 * keeping them (`c` without `v`) stand in with their mean, the best an aggregate allows.
 */
export function medianOf(a: PropAgg | undefined): number | null {
  if (!a || a.c <= 0) return null;
  const values: number[] = [];
  const weights: number[] = [];
  let kept = 0;
  if (a.vs) {
    for (let b = 0; b < a.vs.length; b++) {
      const v = a.vs[b];
      const w = a.ws?.[b] ?? null;
      for (let i = 0; i < v.length; i++) {
        const k = w ? w[i] : 1;
        values.push(v[i]);
        weights.push(k);
        kept += v[i] * k;
      }
    }
  }
  const missing = a.c - a.vc;
  if (missing > 0) {
    values.push((a.s - kept) / missing);
    weights.push(missing);
  }
  return weightedMedian(values, weights);
}
