/** Daily history through the sliding window must equal scoring each day on its own. */
import { describe, expect, it } from 'vitest';
import { buildActivity } from './activity';
import { DEFAULT_MODEL } from './default-model';
import { scoreAccount, scoreSeries } from './engine';
import { SlidingWindow } from './sliding-window';
import { ev, KINDS_MODEL, RANDOM_CONTACTS, RANDOM_FEATURES, randomEvents, rng, T } from './test-helpers';
import type { AccountProfile } from './types';
import { activeDaysOf, DAY_MS, daysSinceLast, summarizeWindow } from './window';

const days = (n: number, last = T) => Array.from({ length: n }, (_, i) => last - (n - 1 - i) * DAY_MS);

describe('scoreSeries', () => {
  it("equals scoreAccount with detail 'score' on every day, for many random activities", () => {
    const rand = rng(99);
    for (let i = 0; i < 40; i++) {
      const activity = buildActivity(randomEvents(rand), { resolution: i % 4 === 3 ? 'instant' : 'day' });
      // Started 50 days before T: the stage changes from onboarding to adoption inside the series.
      const profile: AccountProfile = { id: `a${i}`, tier: i % 2 ? 'core' : null, lifecycleStage: null, startedAt: T - 50 * DAY_MS };
      const input = { model: DEFAULT_MODEL, profile, contacts: RANDOM_CONTACTS, catalogue: i % 5 ? RANDOM_FEATURES : [], activity };
      const asOfs = days(90, T + 5 * DAY_MS);
      const series = scoreSeries(input, asOfs);
      asOfs.forEach((asOf, k) => {
        const r = scoreAccount({ ...input, asOf, detail: 'score' });
        expect(series[k], `activity ${i}, day ${k}`).toEqual({
          asOf,
          state: r.state,
          score: r.score,
          band: r.band,
          dimensions: r.dimensions.map((d) => d.score),
        });
      });
    }
  });
});

describe('scoreSeries with active_days, recency and trend measures', () => {
  it("equals scoreAccount with detail 'score' on every day, day buckets and raw events", () => {
    const rand = rng(2024);
    for (let i = 0; i < 30; i++) {
      const activity = buildActivity(randomEvents(rand), { resolution: i % 3 === 2 ? 'instant' : 'day' });
      const profile: AccountProfile = { id: `a${i}`, tier: i % 2 ? 'strategic' : 'core', lifecycleStage: null, startedAt: T - 50 * DAY_MS };
      const input = { model: KINDS_MODEL, profile, contacts: RANDOM_CONTACTS, catalogue: RANDOM_FEATURES, activity };
      const asOfs = days(120, T + 20 * DAY_MS);
      const series = scoreSeries(input, asOfs);
      asOfs.forEach((asOf, k) => {
        const r = scoreAccount({ ...input, asOf, detail: 'score' });
        expect(series[k], `activity ${i}, day ${k}`).toEqual({ asOf, state: r.state, score: r.score, band: r.band, dimensions: r.dimensions.map((d) => d.score) });
      });
    }
  });
});

describe('SlidingWindow', () => {
  it('gives the summary of a fresh window as it slides, and starts over when moved back', () => {
    const activity = buildActivity(randomEvents(rng(5)), { resolution: 'day' });
    const sliding = new SlidingWindow(activity, 30 * DAY_MS);
    const fields = (w: ReturnType<typeof summarizeWindow>) => ({
      typeN: [...w.typeN],
      contactN: [...w.contactN],
      engaged: w.engaged,
      featureUsed: [...w.featureUsed],
      outreach: w.outreach,
      typeRange: w.typeRange,
      contactRange: w.contactRange,
    });
    for (const to of [...days(80), T - 40 * DAY_MS, T]) {
      expect(fields(sliding.at(to))).toEqual(fields(summarizeWindow(activity, to - 30 * DAY_MS, to)));
    }
  });

  it('gives the active days and the days since the last event of a fresh window, day buckets and raw events', () => {
    const typeSets = [['product.login'], ['meeting.held', 'email.exchanged'], ['nope'], ['outreach.replied']];
    for (const resolution of ['day', 'instant'] as const) {
      const activity = buildActivity(randomEvents(rng(8)), { resolution });
      const sliding = new SlidingWindow(activity, 30 * DAY_MS);
      let active = 0;
      for (const to of [...days(100, T + 10 * DAY_MS), T - 5 * DAY_MS + 3_600_000]) {
        const slid = sliding.at(to);
        const fresh = summarizeWindow(activity, to - 30 * DAY_MS, to);
        for (const types of typeSets) {
          expect([activeDaysOf(slid, types), daysSinceLast(slid, types)], `${resolution} ${to} ${types}`).toEqual([activeDaysOf(fresh, types), daysSinceLast(fresh, types)]);
          active += activeDaysOf(fresh, types);
        }
      }
      expect(active).toBeGreaterThan(100);
    }
  });

  it('reads active days and the last event of unsorted buckets as of sorted ones', () => {
    const activity = buildActivity(randomEvents(rng(12)), { resolution: 'instant' });
    const shuffled = { ...activity, types: [...activity.types].reverse() };
    for (const to of days(40)) {
      const a = summarizeWindow(activity, to - 30 * DAY_MS, to);
      const b = summarizeWindow(shuffled, to - 30 * DAY_MS, to);
      expect(b.ti.sorted).toBe(false);
      for (const types of [['product.login'], ['meeting.held', 'feature.used']]) {
        expect([activeDaysOf(b, types), daysSinceLast(b, types)]).toEqual([activeDaysOf(a, types), daysSinceLast(a, types)]);
      }
    }
  });

  it('sums again from scratch when counts are not integers', () => {
    const activity = buildActivity([ev('x', T - DAY_MS, { count: 1.5 }), ev('x', T - 40 * DAY_MS, { count: 0.1 })], { resolution: 'day' });
    const sliding = new SlidingWindow(activity, 30 * DAY_MS);
    expect(sliding.at(T - 10 * DAY_MS).typeN[0]).toBe(0.1);
    expect(sliding.at(T).typeN[0]).toBe(1.5);
  });
});
