/** Window summaries: boundaries, unsorted buckets, medians from aggregates. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@/lib/testing/random';
import { addValue, appendValues, MAX_KEPT_VALUES, valueWeight, weightedMedian } from './prop-values';
import { buildActivity } from './activity';
import type { AccountActivity, PropStat } from './types';
import { countOf, DAY_MS, endOfUtcDay, engagedContactIds, contactCountOf, featureUsedIn, medianOf, propOf, summarizeWindow, summarizeWindows } from './window';

const D = Date.UTC(2026, 2, 1);

describe('endOfUtcDay', () => {
  it('is the start of the next UTC day, so the window includes today', () => {
    expect(endOfUtcDay(D)).toBe(D + DAY_MS);
    expect(endOfUtcDay(D + 13 * 3_600_000)).toBe(D + DAY_MS);
    expect(endOfUtcDay(D + DAY_MS - 1)).toBe(D + DAY_MS);
  });
});

describe('summarizeWindow', () => {
  it('keeps the indexes of an activity for the next summary, unless it is scored once', () => {
    const events = [
      { type: 'x', occurredAt: D, count: 2, contactId: 'c1', properties: { feature: 'f' } },
      { type: 'outreach.replied', occurredAt: D + 5, properties: { responseHours: 4 } },
    ];
    const kept = buildActivity(events, { featureSources: [{ type: 'x', property: 'feature' }] });
    expect(summarizeWindow(kept, D, D + DAY_MS).ti).toBe(summarizeWindow(kept, D, D + DAY_MS).ti);
    const once: AccountActivity = { ...buildActivity(events, { featureSources: [{ type: 'x', property: 'feature' }] }), scoredOnce: true };
    const [a, b] = [summarizeWindow(once, D, D + DAY_MS), summarizeWindow(once, D, D + DAY_MS)];
    expect(a.ti).not.toBe(b.ti);
    expect(a.ci).not.toBe(b.ci);
    expect(a.fi).not.toBe(b.fi);
    // The same summary either way.
    const k = summarizeWindow(kept, D, D + DAY_MS);
    for (const w of [a, b]) {
      expect(countOf(w, ['x', 'outreach.replied'])).toBe(countOf(k, ['x', 'outreach.replied']));
      expect(engagedContactIds(w)).toEqual(engagedContactIds(k));
      expect(medianOf(propOf(w, 'outreach.replied', 'responseHours'))).toBe(4);
      expect(featureUsedIn(w, 'x', 'f')).toBe(true);
    }
  });

  it('is half-open [from, to)', () => {
    const a = buildActivity([
      { type: 'x', occurredAt: D - 1 },
      { type: 'x', occurredAt: D, count: 2, contactId: 'c1', properties: { ok: true, h: 3 } },
      { type: 'x', occurredAt: D + DAY_MS, count: 4 },
      { type: 'outreach.replied', occurredAt: D + 5, count: 3, properties: { responseHours: 4 } },
    ]);
    const w = summarizeWindow(a, D, D + DAY_MS);
    expect(countOf(w, ['x'])).toBe(2);
    expect(propOf(w, 'x', 'ok')).toMatchObject({ t: 2 });
    // Values are kept only where a median reads them (reply times), weighted by the count.
    expect(propOf(w, 'x', 'h')).toMatchObject({ s: 6, c: 2, vs: null, vc: 0 });
    expect(propOf(w, 'outreach.replied', 'responseHours')).toMatchObject({ s: 12, c: 3, vs: [[4]], ws: [[3]], vc: 3 });
    expect(engagedContactIds(w)).toEqual(['c1']);
    expect(contactCountOf(w, 'c1')).toBe(2);
  });

  it('summarises both windows in one pass and resolves the outreach run on unsorted buckets', () => {
    const a: AccountActivity = {
      firstActivityAt: D - 40 * DAY_MS,
      contacts: [],
      features: [],
      types: [
        { t: D - 2 * DAY_MS, type: 'outreach.sent', n: 2 },
        { t: D - 5 * DAY_MS, type: 'outreach.replied', n: 1 },
        { t: D - 5 * DAY_MS, type: 'outreach.sent', n: 7 },
        { t: D - 1 * DAY_MS, type: 'outreach.sent', n: 1 },
        { t: D - 40 * DAY_MS, type: 'outreach.sent', n: 3 },
      ],
    };
    const { current, previous } = summarizeWindows(a, D, 30);
    expect(current.outreach).toEqual({ sent: 3, lastReplyAt: D - 5 * DAY_MS });
    expect(previous.outreach).toEqual({ sent: 3, lastReplyAt: null });
    expect(countOf(current, ['outreach.sent'])).toBe(10);
  });
});

describe('medianOf', () => {
  it('uses kept values and stands in with the mean for buckets that did not keep them', () => {
    expect(medianOf({ t: 0, s: 10, c: 3, vs: [[1, 2, 7]], ws: [null], vc: 3 })).toBe(2);
    // 2 kept values (1, 3) and 2 more of unknown value summing 16 -> 8, 8: median of 1, 3, 8, 8 = 5.5
    expect(medianOf({ t: 0, s: 20, c: 4, vs: [[1, 3]], ws: [null], vc: 2 })).toBe(5.5);
    expect(medianOf({ t: 0, s: 0, c: 0, vs: null, ws: null, vc: 0 })).toBeNull();
    expect(medianOf(undefined)).toBeNull();
  });

  it('counts a weighted value as often as its weight, as if it were repeated', () => {
    // 1 x3, 10 x1 -> 1, 1, 1, 10: median 1
    expect(medianOf({ t: 0, s: 13, c: 4, vs: [[1, 10]], ws: [[3, 1]], vc: 4 })).toBe(1);
    // 2 x1, 4 x1 (unweighted bucket) and 6 x2: 2, 4, 6, 6 -> 5
    expect(medianOf({ t: 0, s: 18, c: 4, vs: [[2, 4], [6]], ws: [null, [2]], vc: 4 })).toBe(5);
  });
});

describe('weightedMedian', () => {
  it('equals the median of the values repeated by their weights', () => {
    const random = mulberry32(7);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(random() * 6);
      const values = Array.from({ length: n }, () => Math.round(random() * 20) / 2);
      const weights = Array.from({ length: n }, () => 1 + Math.floor(random() * 4));
      const repeated = values.flatMap((x, i) => Array<number>(weights[i]).fill(x)).sort((a, b) => a - b);
      const mid = repeated.length >> 1;
      const expected = repeated.length % 2 ? repeated[mid] : (repeated[mid - 1] + repeated[mid]) / 2;
      expect(weightedMedian(values, weights)).toBe(expected);
    }
    expect(weightedMedian([], [])).toBeNull();
  });
});

describe('kept values', () => {
  it('stop at MAX_KEPT_VALUES per statistic; the rest count in sum and count and the median stands in with their mean', () => {
    const stat = { t: 0, s: 0, c: 0 } as PropStat;
    for (let i = 0; i < MAX_KEPT_VALUES + 10; i++) {
      addValue(stat, 1, 2);
      stat.s += 2;
      stat.c += 2;
    }
    expect(stat.v).toHaveLength(MAX_KEPT_VALUES);
    expect(valueWeight(stat)).toBe(2 * MAX_KEPT_VALUES);
    const merged = { t: 0, s: 0, c: 0 } as PropStat;
    appendValues(merged, { t: 0, s: 0, c: 0, v: [1, 2, 3] }, 2);
    expect(merged).toEqual({ t: 0, s: 0, c: 0, v: [1, 2] });
    expect(medianOf({ t: 0, s: stat.s, c: stat.c, vs: [stat.v!], ws: [stat.w ?? null], vc: valueWeight(stat) })).toBe(1);
  });
});
