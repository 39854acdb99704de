/** Edges of each measure kind (SCORING.md §2). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from './default-model';
import type { MeasureDef, Model } from './schema';
import { ago, catalogue, contact, countModel, dim, ev, many, measure, OLD, score, T } from './test-helpers';
import { DAY_MS } from './window';

describe('count', () => {
  it('caps the points', () => {
    expect(measure(score([...many(8, 'meeting.held', ago(3))]), 'meetings').points).toBe(40);
    expect(measure(score([...many(9, 'meeting.held', ago(3))]), 'meetings').points).toBe(40);
    expect(measure(score([...many(7, 'meeting.held', ago(3))]), 'meetings').points).toBe(35);
  });

  it('counts per N: 4 logins -> 0, 5 -> 1, 9 -> 1, 10 -> 2, 100 -> 20 (cap)', () => {
    const logins = (n: number) => measure(score([ev('product.login', ago(2), { count: n })]), 'logins').points;
    expect([4, 5, 9, 10, 100].map(logins)).toEqual([0, 1, 1, 2, 20]);
  });

  it('sums counts of several event types', () => {
    const model = countModel([{ key: 'touch', event: 'x.a', points: 1, cap: 10 }]);
    model.dimensions[0].measures[0] = { key: 'touch', label: 'Touch', kind: 'count', event: ['x.a', 'x.b'], points: 1, per: 1, cap: 10 };
    const r = score([ev('x.a', ago(1), { count: 3 }), ev('x.b', ago(1), { count: 4 }), ev('x.c', ago(1))], { model });
    expect(measure(r, 'touch').points).toBe(7);
    expect(measure(r, 'touch').text).toBe('7 events (x.a, x.b) → 7 of 10 points (1 each)');
  });

  it('clamps a penalty at its cap and keeps the dimension at or above 0', () => {
    const model = countModel([
      { key: 'calls', event: 'call', points: 5, cap: 10 },
      { key: 'missed', event: 'milestone.missed', points: -5, cap: -10 },
    ]);
    const r1 = score([ev('milestone.missed', ago(1)), ...many(2, 'call', ago(2))], { model });
    expect(measure(r1, 'missed').points).toBe(-5);
    expect(measure(r1, 'missed').max).toBe(0);
    expect(dim(r1, 'engagement').score).toBe(50);
    expect(measure(r1, 'missed').text).toBe('1 missed milestone → -5 points (-5 each, floor -10)');

    const r2 = score([...many(3, 'milestone.missed', ago(1)), ev('call', ago(2))], { model });
    expect(measure(r2, 'missed').points).toBe(-10);
    expect(dim(r2, 'engagement').points).toBe(-5);
    expect(dim(r2, 'engagement').score).toBe(0);
    expect(r2.score).toBe(0);
    // Penalties are not touchpoints.
    expect(r2.touchpoints.current).toBe(1);
  });

  it('is a real 0 in an empty window of an account with history', () => {
    const r = score([OLD]);
    expect(r.state).toBe('scored');
    expect(measure(r, 'meetings').points).toBe(0);
    expect(measure(r, 'meetings').noData).toBe(false);
    expect(dim(r, 'frequency').score).toBe(0);
    expect(r.score).toBe(0);
    expect(r.band?.key).toBe('red');
  });
});

describe('ratio', () => {
  const rate = (sent: number, replied: number) =>
    measure(score([OLD, ...many(sent, 'outreach.sent', ago(10)), ...many(replied, 'outreach.replied', ago(9))]), 'response_rate');

  it('has no data with a zero denominator, even with replies', () => {
    expect(rate(0, 0).points).toBeNull();
    expect(rate(0, 2).noData).toBe(true);
    expect(rate(0, 0).text).toBe('no outreach emails in the window → no data');
  });

  it('takes the first tier whose min is reached, exactly at the boundaries', () => {
    expect(rate(4, 4).points).toBe(100);
    expect(rate(4, 5).points).toBe(100);
    expect(rate(4, 3).points).toBe(80); // 0.75
    expect(rate(3, 2).points).toBe(60); // 0.667
    expect(rate(4, 2).points).toBe(60); // 0.5
    expect(rate(10, 4).points).toBe(40); // 0.4
    expect(rate(4, 1).points).toBe(40); // 0.25
    expect(rate(5, 1).points).toBe(20); // 0.2
    expect(rate(4, 0).points).toBe(20); // 0: silence is signal
    expect(rate(4, 0).inputs).toEqual({ numerator: 0, denominator: 4, rate: 0 });
  });

  it('gives 0 points when no tier is reached', () => {
    const model = structuredClone(DEFAULT_MODEL) as Model;
    const m = model.dimensions[1].measures[0];
    if (m.kind === 'ratio') m.tiers = [{ min: 0.5, points: 100 }];
    const r = score([...many(4, 'outreach.sent', ago(3)), ev('outreach.replied', ago(2))], { model });
    expect(measure(r, 'response_rate').points).toBe(0);
  });
});

describe('attributes', () => {
  it('averages over events, an event with count k counting k times', () => {
    const r = score([ev('meeting.held', ago(3), { count: 3, properties: { onTime: true } }), ev('meeting.held', ago(2))]);
    expect(measure(r, 'meeting_quality').points).toBe(15); // 3 x 20 / 4
    expect(measure(r, 'meeting_quality').inputs).toMatchObject({ events: 4, onTime: 3, mean: 15 });
  });

  it('has no data without such events', () => {
    const r = score([OLD, ...many(4, 'outreach.sent', ago(3))]);
    expect(measure(r, 'meeting_quality').noData).toBe(true);
    // the ratio alone carries the quality dimension: 0 replies -> 20 of 100
    expect(dim(r, 'quality').score).toBe(20);
  });

  it('ignores non-true values (false, strings, numbers)', () => {
    const r = score([ev('meeting.held', ago(3), { properties: { onTime: 'yes', strategic: 1, executiveAttended: false } })]);
    expect(measure(r, 'meeting_quality').points).toBe(0);
  });
});

describe('stakeholders and departments', () => {
  const contacts = [
    contact('c1', 'champion', 'Ops'),
    contact('c2', 'champion', 'ops '),
    contact('c3', 'champion', 'IT'),
    contact('c4', 'champion', null),
    contact('s1', 'executive_sponsor', 'Finance'),
    contact('idle', 'champion', 'Sales'),
  ];
  const engaged = (ids: string[], type = 'email.exchanged') => ids.map((id) => ev(type, ago(4), { contactId: id }));

  it('counts distinct engaged contacts with the role, clamped to the cap', () => {
    const r = score([...engaged(['c1', 'c2', 'c3', 'c4']), ...engaged(['c1'])], { contacts });
    expect(measure(r, 'champions').points).toBe(45); // 4 x 15 = 60 -> 45
    expect(measure(r, 'champions').inputs).toEqual({ contacts: 4 });
    expect(measure(r, 'executive_sponsor').points).toBe(0);
  });

  it('ignores contacts not engaged in the window and unknown contact ids', () => {
    const r = score([...engaged(['c1', 'ghost']), ev('email.exchanged', ago(45), { contactId: 'c3' })], { contacts });
    expect(measure(r, 'champions').points).toBe(15);
  });

  it('counts departments trimmed and case-insensitively, 3 needed', () => {
    expect(measure(score(engaged(['c1', 'c2', 'c3']), { contacts }), 'multi_department').points).toBe(0); // Ops, IT
    const r = score(engaged(['c1', 'c2', 'c3', 'c4', 's1']), { contacts });
    expect(measure(r, 'multi_department').inputs).toEqual({ departments: 3, min: 3 });
    expect(measure(r, 'multi_department').points).toBe(20);
  });

  it('applies an event filter to typed contact buckets', () => {
    const model = structuredClone(DEFAULT_MODEL) as Model;
    const m = model.dimensions[2].measures[1];
    if (m.kind === 'stakeholders') m.event = 'meeting.held';
    const r = score([...engaged(['c1', 'c2'], 'meeting.held'), ...engaged(['c3'], 'email.exchanged')], { contacts, model });
    expect(measure(r, 'champions').points).toBe(30);
  });
});

describe('adoption', () => {
  const used = (features: string[], at = ago(3)) => features.map((f) => ev('feature.used', at, { properties: { feature: f } }));

  it('has no data with an empty catalogue', () => {
    const r = score(used(['core-1']));
    expect(measure(r, 'adoption').noData).toBe(true);
    expect(dim(r, 'product').score).toBeNull();
  });

  it('is a weighted share of distinct catalogue features used in the window', () => {
    const r = score([...used(['core-1', 'core-1', 'advanced-1', 'not-in-catalogue']), ...used(['basic-1'], ago(31))], { catalogue: catalogue(1, 1, 1) });
    expect(measure(r, 'adoption').points).toBeCloseTo((3.5 / 4.5) * 100, 10);
    expect(measure(r, 'adoption').inputs).toMatchObject({ coreUsed: 1, coreTotal: 1, advancedUsed: 1, basicUsed: 0, weightUsed: 3.5, weightTotal: 4.5 });
  });

  it('is a real 0 when nothing was used', () => {
    expect(measure(score([OLD], { catalogue: catalogue(2, 0, 0) }), 'adoption').points).toBe(0);
  });
});

/** A model of one dimension holding one measure. */
function oneMeasure(m: MeasureDef, windowDays = 30): Model {
  return { ...DEFAULT_MODEL, windowDays, dimensions: [{ key: 'd', label: 'D', weight: 100, measures: [m] }], overrides: [] };
}

describe('active_days', () => {
  const model = oneMeasure({ key: 'days', label: 'Days', kind: 'active_days', event: 'product.login', points: 3, cap: 30 });
  const days = (events: Parameters<typeof score>[0], opts: Parameters<typeof score>[1] = {}) => measure(score(events, { model, ...opts }), 'days');

  it('counts distinct UTC days with an event, whatever the counts and events per day', () => {
    const r = days([ev('product.login', ago(1), { count: 7 }), ...many(5, 'product.login', ago(2)), ev('product.login', ago(9)), ev('email.exchanged', ago(3))]);
    expect(r.inputs).toEqual({ days: 3, windowDays: 30 });
    expect(r.points).toBe(9);
    expect(r.text).toBe('logins on 3 of the last 30 days → 9 of 30 points (3 per day)');
  });

  it('caps the points', () => {
    const r = days(Array.from({ length: 12 }, (_, i) => ev('product.login', ago(i + 1))));
    expect(r.points).toBe(30);
    expect(r.text).toBe('logins on 12 of the last 30 days → 30 of 30 points (3 per day, capped)');
  });

  it('is a real 0 in an empty window of an account with history', () => {
    const r = days([OLD]);
    expect([r.points, r.noData]).toEqual([0, false]);
  });

  it('is half-open: an event at exactly the window start counts, one at exactly T does not', () => {
    expect(days([ev('product.login', ago(30)), ev('product.login', ago(0))]).inputs.days).toBe(1);
    expect(days([ev('product.login', ago(30) - 1)]).inputs.days).toBe(0);
  });

  it('splits raw events at UTC midnight: 23:59 and 00:01 are two days, 00:00 and 23:59 one', () => {
    const midnight = ago(5);
    expect(days([ev('product.login', midnight - 60_000), ev('product.login', midnight + 60_000)]).inputs.days).toBe(2);
    expect(days([ev('product.login', midnight), ev('product.login', midnight + DAY_MS - 60_000)]).inputs.days).toBe(1);
  });

  it('counts the UTC days of a window that starts inside a day', () => {
    // As of 12:00: the window [12:00 thirty days back, 12:00) touches 31 calendar days.
    const asOf = T + DAY_MS / 2;
    expect(days([ev('product.login', asOf - 30 * DAY_MS), ev('product.login', asOf - 1)], { asOf }).inputs.days).toBe(2);
    expect(days([ev('product.login', asOf - 30 * DAY_MS - 1)], { asOf }).inputs.days).toBe(0);
  });

  it('unites the days of several types, and gives day buckets the days of the raw events', () => {
    const several = oneMeasure({ key: 'days', label: 'Days', kind: 'active_days', event: ['product.login', 'feature.used'], points: 1, cap: 30 });
    const events = [ev('product.login', ago(1, 3)), ev('feature.used', ago(1, 20)), ev('feature.used', ago(3)), ev('feature.used', ago(40))];
    const r = measure(score(events, { model: several }), 'days');
    expect(r.inputs.days).toBe(2);
    expect(r.text).toBe('product.login, feature.used events on 2 of the last 30 days → 2 of 30 points (1 per day)');
    expect(measure(score(events, { model: several, day: true }), 'days').inputs).toEqual(r.inputs);
  });

  it('reads the previous window for the previous score', () => {
    const r = days([ev('product.login', ago(1)), ev('product.login', ago(35)), ev('product.login', ago(40)), ev('product.login', ago(60))]);
    expect(r.previous?.inputs).toEqual({ days: 3, windowDays: 30 });
    expect(r.change).toBe(3 - 9);
  });
});

describe('recency', () => {
  const tiers = [{ maxDays: 7, points: 20 }, { maxDays: 30, points: 10 }, { maxDays: 90, points: 2 }];
  const model = oneMeasure({ key: 'last', label: 'Last login', kind: 'recency', event: 'product.login', tiers });
  const last = (events: Parameters<typeof score>[0], opts: Parameters<typeof score>[1] = {}) => measure(score(events, { model, ...opts }), 'last');

  it('counts whole UTC days from the last event to the last day of the window: today is 0', () => {
    const r = last([ev('product.login', ago(0, 1)), ev('product.login', ago(20))]);
    expect(r.inputs).toEqual({ daysSince: 0 });
    expect(r.text).toBe('last login today → 20 of 20 points');
    expect(last([ev('product.login', ago(1, 23))]).inputs).toEqual({ daysSince: 1 }); // 01:00 yesterday
    expect(last([ev('product.login', ago(2))]).text).toBe('last login 1 day ago → 20 of 20 points'); // yesterday 00:00
    expect(last([ev('product.login', ago(3, -12))]).text).toBe('last login 2 days ago → 20 of 20 points');
  });

  it('takes the first tier with daysSince <= maxDays, exactly at the boundaries', () => {
    const at = (daysSince: number) => last([ev('product.login', ago(daysSince + 1, -1))]);
    expect([0, 7, 8, 30, 31, 90].map((d) => at(d).inputs.daysSince)).toEqual([0, 7, 8, 30, 31, 90]);
    expect([0, 7, 8, 30, 31, 90].map((d) => at(d).points)).toEqual([20, 20, 10, 10, 2, 2]);
  });

  it('never seen, or older than every tier: the last tier’s points (a real number, not no data), without daysSince', () => {
    const never = last([OLD]);
    expect([never.points, never.noData, never.inputs]).toEqual([2, false, {}]);
    expect(never.text).toBe('no login within the last 90 days → 2 of 20 points');
    // However far back the activity was loaded, an event older than every tier reads as none.
    const old = last([ev('product.login', ago(150))]);
    expect([old.points, old.inputs]).toEqual([2, {}]);
    expect(old.text).toBe('no login within the last 90 days → 2 of 20 points');
  });

  it('sees events before both windows, and none at or after T', () => {
    expect(last([ev('product.login', ago(75))]).points).toBe(2);
    expect(last([ev('product.login', T), ev('product.login', ago(10))]).inputs).toEqual({ daysSince: 9 });
  });

  it('gives day buckets and raw events the same number, as of midnight or inside a day', () => {
    const events = [ev('product.login', ago(12, -23.5)), ev('product.login', ago(50, 3)), OLD];
    for (const asOf of [T, T + 3_600_000, T + DAY_MS - 1]) {
      expect(last(events, { asOf, day: true }).inputs, String(asOf)).toEqual(last(events, { asOf }).inputs);
    }
    expect(last(events, { asOf: T + DAY_MS - 1 }).inputs).toEqual({ daysSince: 12 });
  });

  it('reads the last event before the end of the previous window for the previous score', () => {
    const r = last([ev('product.login', ago(2)), ev('product.login', ago(40))]);
    expect(r.previous?.inputs).toEqual({ daysSince: 9 });
    expect([r.points, r.previous?.points, r.change]).toEqual([20, 10, 10]);
  });

  it('names several types by their keys', () => {
    const several = oneMeasure({ key: 'last', label: 'Last', kind: 'recency', event: ['x.a', 'x.b'], tiers });
    expect(measure(score([ev('x.b', ago(4)), ev('x.a', ago(9))], { model: several }), 'last').text).toBe('last x.a, x.b event 3 days ago → 20 of 20 points');
  });
});

describe('trend', () => {
  const tiers = [{ min: 1.5, points: 10 }, { min: 1, points: 6 }, { min: 0.5, points: 3 }];
  const model = oneMeasure({ key: 'trend', label: 'Login trend', kind: 'trend', event: 'product.login', tiers });
  const trend = (now: number, before: number, extra: Parameters<typeof score>[0] = []) =>
    measure(score([OLD, ...(now ? [ev('product.login', ago(5), { count: now })] : []), ...(before ? [ev('product.login', ago(45), { count: before })] : []), ...extra], { model }), 'trend');

  it('reads the ratio of the window to the one before, the first tier whose min it reaches', () => {
    const r = trend(12, 8);
    expect(r.inputs).toEqual({ current: 12, previous: 8, ratio: 1.5 });
    expect(r.points).toBe(10); // exactly at the tier's min
    expect(r.text).toBe('12 logins vs 8 the window before (×1.5) → 10 of 10 points');
    expect([trend(11, 8).points, trend(8, 8).points, trend(4, 8).points, trend(3, 8).points]).toEqual([6, 6, 3, 0]);
    expect(trend(1, 3).text).toBe('1 login vs 3 the window before (×0.33) → 0 of 10 points');
  });

  it('has no data when the window before had none (the dimension then has no data)', () => {
    const r = trend(5, 0);
    expect([r.points, r.noData]).toEqual([null, true]);
    expect(r.inputs).toEqual({ current: 5, previous: 0 });
    expect(r.text).toBe('5 logins, none the window before → no data');
    expect(score([OLD, ev('product.login', ago(5))], { model }).state).toBe('no_data');
  });

  it('is a real 0 when the window is empty after activity in the one before', () => {
    expect([trend(0, 4).points, trend(0, 4).noData]).toEqual([0, false]);
  });

  it('has half-open windows: T - 30 days is in this window, T - 60 days in the one before', () => {
    const r = measure(score([ev('product.login', ago(30)), ev('product.login', ago(60)), ev('product.login', ago(60) - 1), ev('product.login', T)], { model }), 'trend');
    expect(r.inputs).toEqual({ current: 1, previous: 1, ratio: 1 });
  });

  it('compares the previous window with the one before it for the previous score', () => {
    const r = trend(6, 4, [ev('product.login', ago(70), { count: 8 })]);
    expect(r.previous?.inputs).toEqual({ current: 4, previous: 8, ratio: 0.5 });
    expect([r.points, r.previous?.points, r.change]).toEqual([10, 3, 7]);
  });
});
