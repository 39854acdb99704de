/** How far back scoring reads: both windows, one more for a trend, further for a recency. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from './default-model';
import { activityDays, activityNeeds } from './needs';
import type { MeasureDef, Model } from './schema';
import { KINDS_MODEL } from './test-helpers';

const withMeasure = (m: MeasureDef, windowDays = 30): Model => ({
  ...DEFAULT_MODEL,
  windowDays,
  dimensions: [...DEFAULT_MODEL.dimensions.slice(0, 3), { ...DEFAULT_MODEL.dimensions[3], measures: [...DEFAULT_MODEL.dimensions[3].measures, m] }],
});

describe('activityDays', () => {
  it('is both windows for live scores and one window for history without the new kinds', () => {
    expect(activityDays(DEFAULT_MODEL)).toBe(60);
    expect(activityDays(DEFAULT_MODEL, { previous: false })).toBe(30);
    expect(activityNeeds(DEFAULT_MODEL)).toEqual({ dayTypes: [], recencyTypes: [], trendTypes: [], recencyDays: -1 });
  });

  it('adds the window before for a trend; active days read no further than their window', () => {
    const trend = withMeasure({ key: 't', label: 'T', kind: 'trend', event: 'product.login', tiers: [{ min: 1, points: 5 }] }, 28);
    expect([activityDays(trend), activityDays(trend, { previous: false })]).toEqual([84, 56]);
    const days = withMeasure({ key: 'd', label: 'D', kind: 'active_days', event: ['product.login', 'feature.used'], points: 1, cap: 20 });
    expect([activityDays(days), activityDays(days, { previous: false })]).toEqual([60, 30]);
    expect(activityNeeds(days).dayTypes).toEqual(['feature.used', 'product.login']);
  });

  it('reaches a recency measure’s largest maxDays back from the as-of day, and from the previous window’s end for the previous score', () => {
    const recency = (maxDays: number) => withMeasure({ key: 'r', label: 'R', kind: 'recency', event: 'product.login', tiers: [{ maxDays: 3, points: 5 }, { maxDays, points: 1 }] });
    // maxDays 10: the as-of day and the 10 before it; the previous score's, a window earlier.
    expect([activityDays(recency(10)), activityDays(recency(10), { previous: false })]).toEqual([60, 30]);
    expect([activityDays(recency(45)), activityDays(recency(45), { previous: false })]).toEqual([76, 46]);
    expect([activityDays(recency(400)), activityDays(recency(400), { previous: false })]).toEqual([431, 401]);
    expect([activityDays(KINDS_MODEL), activityDays(KINDS_MODEL, { previous: false })]).toEqual([131, 101]);
  });
});
