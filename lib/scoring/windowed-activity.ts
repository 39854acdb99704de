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
 */
import { OUTREACH_REPLIED, OUTREACH_SENT } from './activity-index';
import { dict } from '@/lib/dict';
import { appendValues } from './prop-values';
import type { AccountActivity, ContactBucket, FeatureBucket, PropStat, TypeBucket } from './types';
import { windowBounds } from './window';

/** Adds one bucket's statistics to merged ones, as the engine merges a window's buckets. */
function mergeInto(target: Record<string, PropStat>, source: Record<string, PropStat>): void {
  for (const name in source) {
    const p = source[name];
    const a = (target[name] ??= { t: 0, s: 0, c: 0 });
    a.t += p.t;
    a.s += p.s;
    a.c += p.c;
    if (p.v && p.v.length) appendValues(a, p);
  }
}

/** Previous window = 0, current = 1. */
type WindowIndex = 0 | 1;

export class WindowedActivityBuilder {
  private readonly starts: readonly [number, number];
  private readonly to: number;
  private readonly types: [Map<string, TypeBucket>, Map<string, TypeBucket>] = [new Map(), new Map()];
  private readonly outreach: TypeBucket[] = [];
  private readonly contacts: [Map<string, ContactBucket>, Map<string, ContactBucket>] = [new Map(), new Map()];
  private readonly features: [Map<string, Map<string, FeatureBucket>>, Map<string, Map<string, FeatureBucket>>] = [new Map(), new Map()];

  constructor(asOf: number, windowDays: number) {
    const b = windowBounds(asOf, windowDays);
    this.starts = [b.previous.from, b.current.from];
    this.to = b.current.to;
  }

  private windowOf(t: number): WindowIndex | -1 {
    if (t >= this.to || t < this.starts[0]) return -1;
    return t >= this.starts[1] ? 1 : 0;
  }

  /** A type bucket. Buckets of one type must come in ascending `t`. */
  type(t: number, type: string, n: number, props?: Record<string, PropStat>): void {
    const w = this.windowOf(t);
    if (type === OUTREACH_SENT || type === OUTREACH_REPLIED) {
      if (w >= 0 || (type === OUTREACH_REPLIED && t < this.to)) this.outreach.push(props ? { t, type, n, props } : { t, type, n });
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
    const w = this.windowOf(t);
    if (w === -1) return;
    const key = type === undefined ? contactId : `${contactId}\u0000${type}`;
    const b = this.contacts[w].get(key);
    if (b) b.n += n;
    else this.contacts[w].set(key, type === undefined ? { t: this.starts[w], contactId, n } : { t: this.starts[w], contactId, n, type });
  }

  feature(t: number, type: string, feature: string, n: number): void {
    const w = this.windowOf(t);
    if (w === -1) return;
    let byFeature = this.features[w].get(type);
    if (!byFeature) this.features[w].set(type, (byFeature = new Map()));
    const b = byFeature.get(feature);
    if (b) b.n += n;
    else byFeature.set(feature, { t: this.starts[w], type, feature, n });
  }

  /** Adds every bucket of a (day-resolution, time-sorted) activity. */
  addActivity(a: AccountActivity): this {
    for (const b of a.types) this.type(b.t, b.type, b.n, b.props);
    for (const c of a.contacts) this.contact(c.t, c.contactId, c.n, c.type);
    for (const f of a.features) this.feature(f.t, f.type, f.feature, f.n);
    return this;
  }

  build(firstActivityAt: number | null): AccountActivity {
    const types = [...this.types[0].values(), ...this.types[1].values(), ...this.outreach];
    // Stable: the window buckets keep their order, the outreach days fall in between.
    types.sort((a, b) => a.t - b.t);
    const features: FeatureBucket[] = [];
    for (const w of this.features) for (const m of w.values()) for (const f of m.values()) features.push(f);
    return { types, contacts: [...this.contacts[0].values(), ...this.contacts[1].values()], features, firstActivityAt };
  }
}
