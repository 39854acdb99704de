/** Edges of each measure kind (SCORING.md §2). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from './default-model';
import type { Model } from './schema';
import { ago, catalogue, contact, countModel, dim, ev, many, measure, OLD, score } from './test-helpers';

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
