/**
 * One window sliding forward over an account's buckets, for daily history: moving the window by a
 * day adds the buckets that enter and subtracts the ones that leave, instead of summing the whole
 * window again. The summary it gives is the one `summarizeWindow` would give for the same bounds.
 *
 * Subtracting is exact only for integer counts (as stored counts are) and the walk needs buckets
 * sorted by time; any other activity, or a window moving backwards, is summarised from scratch.
 */
import {
  contactIndexOf,
  featureIndexOf,
  firstPositionFrom,
  lastBefore,
  OUTREACH_SENT,
  positionsOf,
  typeIndexOf,
  type ContactIndex,
  type FeatureIndex,
  type TypeIndex,
} from './activity-index';
import type { AccountActivity } from './types';
import { summarizeWindow, type WindowSummary } from './window';

function integerCounts(a: readonly { n: number }[]): boolean {
  for (const b of a) if (!Number.isInteger(b.n)) return false;
  return true;
}

export class SlidingWindow {
  private readonly ti: TypeIndex;
  private readonly ci: ContactIndex;
  private readonly fi: FeatureIndex;
  private readonly incremental: boolean;
  private readonly typeN: Float64Array;
  private readonly contactN: Float64Array;
  /** buckets per contact and per (type, feature) pair inside the window */
  private readonly contactBuckets: Int32Array;
  private readonly featureBuckets: Int32Array;
  private readonly featureUsed: Uint8Array;
  private readonly seen: Uint8Array;
  private readonly sentId: number;
  private t = [0, 0];
  private c = [0, 0];
  private f = [0, 0];
  private lastTo = -Infinity;

  constructor(
    private readonly activity: AccountActivity,
    private readonly length: number,
  ) {
    this.ti = typeIndexOf(activity.types);
    this.ci = contactIndexOf(activity.contacts);
    this.fi = featureIndexOf(activity.features);
    this.incremental =
      this.ti.sorted && this.ci.sorted && this.fi.sorted && integerCounts(activity.types) && integerCounts(activity.contacts) && integerCounts(activity.features);
    this.typeN = new Float64Array(this.ti.names.length);
    this.contactN = new Float64Array(this.ci.names.length);
    this.contactBuckets = new Int32Array(this.ci.names.length);
    this.seen = new Uint8Array(this.ci.names.length);
    this.featureBuckets = new Int32Array(this.fi.count);
    this.featureUsed = new Uint8Array(this.fi.count);
    this.sentId = this.ti.index.get(OUTREACH_SENT) ?? -1;
  }

  /**
   * The summary of `[to - length, to)`. Its arrays belong to this object: read the summary before
   * moving on (the next call updates them).
   */
  at(to: number): WindowSummary {
    const from = to - this.length;
    if (!this.incremental || to < this.lastTo) return summarizeWindow(this.activity, from, to);
    this.lastTo = to;
    const { types, contacts, features } = this.activity;
    const { t, c, f } = this;
    const tIds = this.ti.ids;
    for (; t[1] < types.length && types[t[1]].t < to; t[1]++) this.typeN[tIds[t[1]]] += types[t[1]].n;
    for (; t[0] < t[1] && types[t[0]].t < from; t[0]++) this.typeN[tIds[t[0]]] -= types[t[0]].n;
    const cIds = this.ci.ids;
    for (; c[1] < contacts.length && contacts[c[1]].t < to; c[1]++) {
      this.contactN[cIds[c[1]]] += contacts[c[1]].n;
      this.contactBuckets[cIds[c[1]]]++;
    }
    for (; c[0] < c[1] && contacts[c[0]].t < from; c[0]++) {
      this.contactN[cIds[c[0]]] -= contacts[c[0]].n;
      this.contactBuckets[cIds[c[0]]]--;
    }
    const fIds = this.fi.ids;
    for (; f[1] < features.length && features[f[1]].t < to; f[1]++) this.featureUsed[fIds[f[1]]] = ++this.featureBuckets[fIds[f[1]]] > 0 ? 1 : 0;
    for (; f[0] < f[1] && features[f[0]].t < from; f[0]++) this.featureUsed[fIds[f[0]]] = --this.featureBuckets[fIds[f[0]]] > 0 ? 1 : 0;

    // Engaged contacts in order of first appearance, as a fresh summary lists them.
    const engaged: number[] = [];
    for (let j = c[0]; j < c[1]; j++) {
      const id = cIds[j];
      if (this.seen[id] === 0) {
        this.seen[id] = 1;
        engaged.push(id);
      }
    }
    for (const id of engaged) this.seen[id] = 0;

    const lastReplyAt = lastBefore(this.ti.replyTimes, to);
    let sent = 0;
    if (this.sentId >= 0) {
      const positions = positionsOf(this.ti, this.sentId);
      for (let k = firstPositionFrom(types, positions, from); k < positions.length; k++) {
        const b = types[positions[k]];
        if (b.t >= to) break;
        if (lastReplyAt === null || b.t > lastReplyAt) sent += b.n;
      }
    }
    return {
      from,
      to,
      activity: this.activity,
      ti: this.ti,
      ci: this.ci,
      fi: this.fi,
      typeN: this.typeN,
      contactN: this.contactN,
      engaged,
      featureUsed: this.featureUsed,
      outreach: { sent, lastReplyAt },
      typeRange: [t[0], t[1]],
      contactRange: [c[0], c[1]],
      props: null,
    };
  }
}
