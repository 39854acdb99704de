/** The engine as a whole: windows, no data, partial scores, overrides, stages, velocity. */
import { describe, expect, it } from 'vitest';
import { buildActivity } from './activity';
import { compileModel } from './compile';
import { DEFAULT_MODEL } from './default-model';
import { roundScore, scoreAccount } from './engine';
import type { Model } from './schema';
import { ago, catalogue, countModel, dim, ev, HOUR_MS, many, measure, OLD, PROFILE, score, T } from './test-helpers';
import { DAY_MS } from './window';

const frequencyOfExample2 = () => [
  ...many(3, 'meeting.held', ago(20)),
  ...many(12, 'email.exchanged', ago(15)),
  ev('product.login', ago(10), { count: 23 }),
  ...many(2, 'support.interaction', ago(5)),
  ev('training.attended', ago(3)),
];

describe('windows', () => {
  it('counts an event at exactly T - d and not one at exactly T', () => {
    const r = score([OLD, ev('meeting.held', T - 30 * DAY_MS), ev('meeting.held', T)]);
    expect(measure(r, 'meetings').inputs).toEqual({ n: 1 });
    expect(r.window).toEqual({ from: T - 30 * DAY_MS, to: T, days: 30 });
    expect(r.previousWindow).toEqual({ from: T - 60 * DAY_MS, to: T - 30 * DAY_MS });
  });

  it('puts an event 1 ms before T - d in the previous window', () => {
    const r = score([OLD, ev('meeting.held', T - 30 * DAY_MS - 1)]);
    expect(measure(r, 'meetings').inputs).toEqual({ n: 0 });
    expect(measure(r, 'meetings').previous?.inputs).toEqual({ n: 1 });
  });

  it('gives the same score from day buckets as from instants when T is a day end', () => {
    const events = [OLD, ...frequencyOfExample2(), ev('meeting.held', ago(30, -1)), ev('meeting.held', ago(0, 1))];
    expect(score(events, { day: true }).score).toBe(score(events).score);
  });
});

describe('no data', () => {
  it('has no score without any recorded activity', () => {
    const r = score([], { catalogue: catalogue(1, 1, 1) });
    expect(r.state).toBe('no_data');
    expect(r.score).toBeNull();
    expect(r.band).toBeNull();
    expect(r.belowTarget).toBe(false);
    expect(r.dimensions.every((d) => d.score === null)).toBe(true);
    expect(measure(r, 'meetings').noData).toBe(true);
  });

  it('has no score when the first activity is at or after T', () => {
    expect(score([ev('meeting.held', T)]).state).toBe('no_data');
    expect(score([ev('meeting.held', T - 1)]).state).toBe('scored');
  });

  it('rescales the remaining weights and marks the score partial', () => {
    // Quality (no outreach, no meetings) and Product (empty catalogue) have no data.
    const events = frequencyOfExample2().filter((e) => e.type !== 'meeting.held');
    const r = score(events);
    expect(r.partial).toBe(true);
    expect(r.missing).toEqual([
      { key: 'quality', label: 'Interaction quality' },
      { key: 'product', label: 'Product engagement' },
    ]);
    const f = dim(r, 'frequency').score!; // 40 / 115
    expect(r.score).toBe(roundScore((30 * f + 20 * 0) / 50));
    expect(r.score).toBe(20.9);
    expect(dim(r, 'frequency').appliedWeight).toBe(60);
    expect(dim(r, 'breadth').appliedWeight).toBe(40);
    expect(dim(r, 'quality').appliedWeight).toBe(0);
  });

  it('has no score when no dimension is left', () => {
    const model: Model = {
      ...DEFAULT_MODEL,
      dimensions: [{ key: 'quality', label: 'Quality', weight: 100, measures: [DEFAULT_MODEL.dimensions[1].measures[0]] }],
      overrides: [],
    };
    const r = score([OLD, ...many(3, 'meeting.held', ago(2))], { model });
    expect(r.state).toBe('no_data');
    expect(r.score).toBeNull();
    expect(r.missing).toEqual([{ key: 'quality', label: 'Quality' }]);
    expect(r.touchpoints.current).toBe(0); // no count measure: no touchpoint types
  });
});

describe('bands and targets', () => {
  it('bands the rounded score (79.95 rounds to 80.0 -> green)', () => {
    const model = countModel([{ key: 'x', event: 'x', points: 1, cap: 2000 }]);
    const r = score([ev('x', ago(1), { count: 1599 })], { model }); // 79.95
    expect(r.score).toBe(80);
    expect(r.band?.key).toBe('green');
    const r2 = score([ev('x', ago(1), { count: 1598 })], { model }); // 79.9
    expect(r2.score).toBe(79.9);
    expect(r2.band?.key).toBe('yellow');
  });

  it('marks an account below its tier target even when the band is not red', () => {
    const model = countModel([{ key: 'x', event: 'x', points: 1, cap: 100 }]);
    const at = (tier: 'strategic' | 'nurture' | null, n: number) => score([ev('x', ago(1), { count: n })], { model, profile: { ...PROFILE, tier } });
    expect(at('strategic', 84).belowTarget).toBe(true);
    expect(at('strategic', 85).belowTarget).toBe(false);
    expect(at('nurture', 55).belowTarget).toBe(false);
    expect(at(null, 1).target).toBeNull();
    expect(at(null, 1).belowTarget).toBe(false);
  });
});

describe('overrides and lifecycle stages', () => {
  const withOverrides = (overrides: Model['overrides']): Model => ({ ...DEFAULT_MODEL, overrides });

  it('derives onboarding for the first 90 days after startedAt', () => {
    const at = (startedDaysAgo: number) => score([OLD], { profile: { ...PROFILE, startedAt: ago(startedDaysAgo) } });
    expect(at(89).lifecycleStage).toBe('onboarding');
    expect(at(90).lifecycleStage).toBe('adoption');
    expect(at(89).stageDerived).toBe(true);
    expect(score([OLD], { profile: { ...PROFILE, startedAt: null } }).lifecycleStage).toBe('adoption');
    const explicit = score([OLD], { profile: { ...PROFILE, startedAt: ago(10), lifecycleStage: 'renewal' } });
    expect(explicit.lifecycleStage).toBe('renewal');
    expect(explicit.stageDerived).toBe(false);
  });

  it('applies the onboarding weights of the default model', () => {
    const events = [...frequencyOfExample2(), ...many(4, 'outreach.sent', ago(3)), ...many(4, 'outreach.replied', ago(2))];
    const onboarding = score(events, { profile: { ...PROFILE, startedAt: ago(60) }, catalogue: catalogue(1, 0, 0) });
    const adoption = score(events, { catalogue: catalogue(1, 0, 0) });
    expect(dim(onboarding, 'frequency').weight).toBe(40);
    expect(dim(adoption, 'frequency').weight).toBe(30);
    const f = dim(adoption, 'frequency').score!;
    const q = dim(adoption, 'quality').score!;
    expect(onboarding.score).toBe(roundScore(0.4 * f + 0.3 * q));
    expect(adoption.score).toBe(roundScore(0.3 * f + 0.35 * q));
  });

  it('applies a tier override of measure points and caps, later overrides winning', () => {
    const model = withOverrides([
      { match: { tier: 'strategic' }, measures: { meetings: { points: 10, cap: 60 } } },
      { match: { tier: 'strategic', lifecycleStage: 'renewal' }, measures: { meetings: { cap: 20 } } },
      { match: { tier: 'growth' }, measures: { response_rate: { tiers: [{ min: 0, points: 100 }] } } },
    ]);
    const events = [OLD, ...many(5, 'meeting.held', ago(2)), ev('outreach.sent', ago(2))];
    const at = (tier: 'strategic' | 'growth' | 'core', lifecycleStage: 'renewal' | null = null) =>
      score(events, { model, profile: { ...PROFILE, tier, lifecycleStage } });
    expect(measure(at('core'), 'meetings').points).toBe(25);
    expect(measure(at('strategic'), 'meetings').points).toBe(50);
    expect(measure(at('strategic'), 'meetings').max).toBe(60);
    expect(measure(at('strategic', 'renewal'), 'meetings').points).toBe(20); // points 10 kept, cap 20 wins
    expect(measure(at('growth'), 'response_rate').points).toBe(100);
    expect(measure(at('core'), 'response_rate').points).toBe(20);
  });

  it('resolves each tier and stage once per model object', () => {
    const a = compileModel(DEFAULT_MODEL, 'core', 'adoption');
    expect(compileModel(DEFAULT_MODEL, 'core', 'adoption')).toBe(a);
    expect(compileModel(DEFAULT_MODEL, 'core', 'onboarding')).not.toBe(a);
    expect(compileModel(structuredClone(DEFAULT_MODEL), 'core', 'adoption')).not.toBe(a);
  });
});

describe('velocity and score change', () => {
  it('is null with "new activity" when the previous window had no touchpoints', () => {
    const r = score([ev('meeting.held', ago(2))]);
    expect(r.velocity).toBeNull();
    expect(r.newActivity).toBe(true);
    const none = score([OLD]);
    expect(none.velocity).toBeNull();
    expect(none.newActivity).toBe(false);
  });

  it('counts only the Frequency types, each type once', () => {
    const r = score([ev('meeting.held', ago(40)), ev('product.login', ago(2), { count: 3 }), ev('outreach.sent', ago(2)), ev('feature.used', ago(2))]);
    expect(r.touchpoints).toEqual({ current: 3, previous: 1 });
    expect(r.velocity).toBe(2);
  });

  it('falls back to every earning count measure without a frequency dimension', () => {
    const model = countModel([
      { key: 'a', event: 'x.a', points: 1, cap: 10 },
      { key: 'b', event: 'x.b', points: 1, cap: 10 },
    ]);
    const r = score([ev('x.a', ago(40), { count: 4 }), ev('x.b', ago(2), { count: 2 })], { model });
    expect(r.velocity).toBe(-0.5);
  });

  it('compares with the score one window earlier, resolved for the stage of that time', () => {
    // Started 100 days ago: adoption now, onboarding as of 30 days ago.
    const events = [...many(3, 'meeting.held', ago(40)), ...many(3, 'meeting.held', ago(10))];
    const r = score(events, { profile: { ...PROFILE, startedAt: ago(100) } });
    expect(r.lifecycleStage).toBe('adoption');
    const f = (15 / 115) * 100;
    // Quality: attributes of 3 meetings without properties -> 0; breadth 0; product no data.
    expect(r.score).toBe(roundScore((30 * f) / 85));
    expect(r.previousScore).toBe(roundScore((40 * f) / 85));
    expect(r.scoreChange).toBe(roundScore(r.score! - r.previousScore!));
    expect(dim(r, 'frequency').change).toBeCloseTo(0, 10);
  });

  it('has no previous score when the account had no history then', () => {
    const r = score([ev('meeting.held', ago(2))]);
    expect(r.previousScore).toBeNull();
    expect(r.scoreChange).toBeNull();
    expect(dim(r, 'frequency').previousScore).toBeNull();
  });
});

describe('detail "score" (history)', () => {
  it('gives the same score without texts, previous window or flags', () => {
    const events = [...frequencyOfExample2(), ...many(4, 'outreach.sent', ago(3))];
    const full = score(events);
    const lite = score(events, { detail: 'score' });
    expect(lite.score).toBe(full.score);
    expect(lite.dimensions.map((d) => d.score)).toEqual(full.dimensions.map((d) => d.score));
    expect(lite.flags).toEqual([]);
    expect(full.flags.length).toBeGreaterThan(0);
    expect(lite.previousScore).toBeNull();
    expect(measure(lite, 'meetings').text).toBe('');
  });

  it('is fast enough for history (a year of days for one account)', () => {
    const events = Array.from({ length: 400 }, (_, i) => [
      ev('product.login', ago(i, 1), { count: 5, contactId: `c${i % 7}` }),
      ev('meeting.held', ago(i, 2), { properties: { onTime: i % 2 === 0 } }),
    ]).flat();
    const activity = buildActivity(events, { resolution: 'day' });
    const started = performance.now();
    for (let d = 0; d < 365; d++) {
      scoreAccount({ model: DEFAULT_MODEL, profile: PROFILE, contacts: [], catalogue: [], activity, asOf: T - d * DAY_MS, detail: 'score' });
    }
    // Generous bound: this guards against accidental quadratic work, it is not a benchmark.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(HOUR_MS).toBe(3_600_000);
  });
});
