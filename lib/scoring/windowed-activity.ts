/**
 * An account's activity summarised for one as-of instant: everything `scoreAccount` reads at that
 * instant, in far fewer buckets. Bulk rescoring reads about 60 days of day buckets per account
 * and uses them once; summing them here per window (current and previous) saves building and
 * indexing millions of bucket objects.
 *
 * Exact for that instant only: per type, contact and (type, feature) there is one bucket per
 * window, dated at the window's start, with counts summed and property statistics merged in day
 * order (so that sums of decimals come out bit for bit as the engine would add them). Outreach
 * buckets stay per day: the unanswered-outreach run depends on the day of the last reply, which
 * may lie before both windows. Buckets outside both windows are dropped.
 *
 * What a model reads day by day (`activityNeeds`) is kept as it is read: the buckets of the types
 * of active_days and recency measures stay per day, with the last one before the windows for a
 * recency; the types of trend measures get a third summed bucket for the window before the
 * previous one (the previous score's trend compares with it).
 */
import { isSorted, OUTREACH_REPLIED, OUTREACH_SENT } from './activity-index';
import { dict } from '@/lib/dict';
import { appendValues, lendRecord, recordOfLent, type LentProps } from './prop-values';
import type { AccountActivity, ContactBucket, FeatureBucket, PropStat, TypeBucket } from './types';
import type { ActivityNeeds } from './needs';
import { DAY_MS, windowBounds } from './window';

/** Adds one bucket's statistics to merged ones, as the engine merges a window's buckets. */
function mergeInto(target: Record<string, PropStat>, source: LentProps): void {
  for (let i = 0; i < source.length; i++) {
    const p = source.stat(i);
    const a = (target[source.name(i)] ??= { t: 0, s: 0, c: 0 });
    a.t += p.t;
    a.s += p.s;
    a.c += p.c;
    if (p.v && p.v.length) appendValues(a, p);
  }
}

const byTime = (a: { t: number }, b: { t: number }) => a.t - b.t;

/** `a` and `b` in time order, each kept in its order and `a`'s first on a tie (a stable sort of `a` then `b`). */
function mergeByTime(a: TypeBucket[], b: TypeBucket[]): TypeBucket[] {
  if (!b.length) return a;
  if (!a.length && isSorted(b)) return b;
  if (!isSorted(a) || !isSorted(b)) return [...a, ...b].sort(byTime);
  const out = new Array<TypeBucket>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = b[j].t < a[i].t ? b[j++] : a[i++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

type TypeNeeds = Pick<ActivityNeeds, 'dayTypes' | 'recencyTypes' | 'trendTypes'>;
type TypeSets = { [K in keyof TypeNeeds]: ReadonlySet<string> };

const NONE: TypeNeeds = { dayTypes: [], recencyTypes: [], trendTypes: [] };

/** The needs as sets, made once per needs object (a rescore builds one builder per account with the same needs). */
const typeSets = new WeakMap<TypeNeeds, TypeSets>();
function typeSetsOf(needs: TypeNeeds): TypeSets {
  let sets = typeSets.get(needs);
  if (!sets) typeSets.set(needs, (sets = { dayTypes: new Set(needs.dayTypes), recencyTypes: new Set(needs.recencyTypes), trendTypes: new Set(needs.trendTypes) }));
  return sets;
}

export class WindowedActivityBuilder {
  /** window starts, ascending: [before previous (trend types only),] previous, current */
  private readonly starts: number[];
  private readonly to: number;
  /** the first window other types than trend types use */
  private readonly first: number;
  private readonly types: Map<string, TypeBucket>[];
  /** buckets kept per day: outreach (replies of any age) and the types read day by day, in the windows */
  private readonly days: TypeBucket[] = [];
  /** the last bucket before the windows, per recency type */
  private readonly lastBefore = new Map<string, TypeBucket>();
  private readonly contacts: Map<string, ContactBucket>[];
  private readonly features: Map<string, Map<string, FeatureBucket>>[];
  private readonly dayTypes: ReadonlySet<string>;
  private readonly recencyTypes: ReadonlySet<string>;
  private readonly trendTypes: ReadonlySet<string>;

  constructor(asOf: number, windowDays: number, needs: TypeNeeds = NONE) {
    const b = windowBounds(asOf, windowDays);
    const trend = needs.trendTypes.length > 0;
    this.starts = trend ? [b.previous.from - windowDays * DAY_MS, b.previous.from, b.current.from] : [b.previous.from, b.current.from];
    this.first = trend ? 1 : 0;
    this.to = b.current.to;
    this.types = this.starts.map(() => new Map());
    this.contacts = this.starts.map(() => new Map());
    this.features = this.starts.map(() => new Map());
    ({ dayTypes: this.dayTypes, recencyTypes: this.recencyTypes, trendTypes: this.trendTypes } = typeSetsOf(needs));
  }

  /** The index of the window holding `t` (from `first` on), or -1. */
  private windowOf(t: number, first: number): number {
    if (t >= this.to || t < this.starts[first]) return -1;
    let w = this.starts.length - 1;
    while (t < this.starts[w]) w--;
    return w;
  }

  /** A type bucket. Buckets of one type must come in ascending `t`. `props` is only read during the call. */
  type(t: number, type: string, n: number, props?: LentProps): void {
    const w = this.windowOf(t, this.trendTypes.has(type) ? 0 : this.first);
    const outreach = type === OUTREACH_SENT || type === OUTREACH_REPLIED;
    if (outreach || this.dayTypes.has(type)) {
      const b = props ? { t, type, n, props: recordOfLent(props) } : { t, type, n };
      if (w >= 0 || (type === OUTREACH_REPLIED && t < this.to)) this.days.push(b);
      else if (t < this.to && this.recencyTypes.has(type)) this.lastBefore.set(type, b);
      return;
    }
    if (w === -1) return;
    let b = this.types[w].get(type);
    if (!b) this.types[w].set(type, (b = { t: this.starts[w], type, n: 0 }));
    b.n += n;
    if (props) mergeInto((b.props ??= dict()), props);
  }

  /** A contact bucket. Contact buckets must come in ascending `t` (first appearance is kept). */
  contact(t: number, contactId: string, n: number, type?: string): void {
    const w = this.windowOf(t, this.first);
    if (w === -1) return;
    const key = type === undefined ? contactId : `${contactId}\u0000${type}`;
    const b = this.contacts[w].get(key);
    if (b) b.n += n;
    else this.contacts[w].set(key, type === undefined ? { t: this.starts[w], contactId, n } : { t: this.starts[w], contactId, n, type });
  }

  feature(t: number, type: string, feature: string, n: number): void {
    const w = this.windowOf(t, this.first);
    if (w === -1) return;
    let byFeature = this.features[w].get(type);
    if (!byFeature) this.features[w].set(type, (byFeature = new Map()));
    const b = byFeature.get(feature);
    if (b) b.n += n;
    else byFeature.set(feature, { t: this.starts[w], type, feature, n });
  }

  /** Adds every bucket of a (day-resolution, time-sorted) activity. */
  addActivity(a: AccountActivity): this {
    for (const b of a.types) this.type(b.t, b.type, b.n, b.props && lendRecord(b.props));
    for (const c of a.contacts) this.contact(c.t, c.contactId, c.n, c.type);
    for (const f of a.features) this.feature(f.t, f.type, f.feature, f.n);
    return this;
  }

  /** The activity; `scoredOnce` marks it as such (see `AccountActivity.scoredOnce`). */
  build(firstActivityAt: number | null, scoredOnce = false): AccountActivity {
    // In time order, stably: the last buckets before the windows, then each window's buckets (all
    // at the window's start), with the days kept as they are falling in between.
    const before: TypeBucket[] = [];
    this.lastBefore.forEach((b) => before.push(b));
    const windows: TypeBucket[] = [];
    for (const w of this.types) w.forEach((b) => windows.push(b));
    const types = mergeByTime(mergeByTime(before, windows), this.days);
    const features: FeatureBucket[] = [];
    for (const w of this.features) w.forEach((m) => m.forEach((f) => features.push(f)));
    const contacts: ContactBucket[] = [];
    for (const w of this.contacts) w.forEach((c) => contacts.push(c));
    return scoredOnce ? { types, contacts, features, firstActivityAt, scoredOnce } : { types, contacts, features, firstActivityAt };
  }
}
