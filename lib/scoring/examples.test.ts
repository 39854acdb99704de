/** SCORING.md §6: the worked examples must hold exactly. */
import { describe, expect, it } from 'vitest';
import { ago, catalogue, contact, countModel, dim, ev, many, measure, OLD, score } from './test-helpers';

describe('§6 worked examples', () => {
  it('1: one dimension, window 90 days: 32 points -> 80.0, 15 points -> 37.5', () => {
    const model = countModel(
      [
        { key: 'reviews', event: 'profile.reviewed', points: 1, cap: 12 },
        { key: 'answers', event: 'question.answered', points: 2, cap: 16 },
        { key: 'calls', event: 'alignment.call', points: 4, cap: 12 },
      ],
      90,
    );
    const a = score([...many(10, 'profile.reviewed', ago(80)), ...many(5, 'question.answered', ago(45)), ...many(3, 'alignment.call', ago(2))], { model });
    expect(dim(a, 'engagement').points).toBe(32);
    expect(dim(a, 'engagement').max).toBe(40);
    expect(a.score).toBe(80.0);
    expect(a.band?.key).toBe('green');

    const b = score([...many(5, 'profile.reviewed', ago(89)), ...many(3, 'question.answered', ago(30)), ev('alignment.call', ago(1))], { model });
    expect(dim(b, 'engagement').points).toBe(15);
    expect(b.score).toBe(37.5);
    expect(b.band?.key).toBe('red');
  });

  it('2: default Frequency: 15 + 20 (capped) + 4 + 6 + 10 = 55 / 115 -> 47.83', () => {
    const r = score([
      ...many(3, 'meeting.held', ago(20)),
      ...many(12, 'email.exchanged', ago(15)),
      ev('product.login', ago(10), { count: 23 }),
      ...many(2, 'support.interaction', ago(5)),
      ev('training.attended', ago(3)),
    ]);
    const f = dim(r, 'frequency');
    expect(f.measures.map((m) => m.points)).toEqual([15, 20, 4, 6, 10]);
    expect(f.points).toBe(55);
    expect(f.max).toBe(115);
    expect(f.score).toBeCloseTo(47.826, 2);
    expect(Math.round(f.score! * 100) / 100).toBe(47.83);
  });

  it('3: velocity: 12 touchpoints in the previous window, 8 now -> -33.3%', () => {
    const r = score([
      ...many(4, 'meeting.held', ago(50)),
      ev('product.login', ago(40), { count: 8 }),
      ...many(3, 'email.exchanged', ago(10)),
      ev('product.login', ago(5), { count: 5 }),
    ]);
    expect(r.touchpoints).toEqual({ previous: 12, current: 8 });
    expect(Math.round(r.velocity! * 1000) / 1000).toBe(-0.333);
    expect(r.newActivity).toBe(false);
  });

  it('4: default model, one account: 61.0, yellow', () => {
    const contacts = [
      contact('sponsor', 'executive_sponsor', 'Finance'),
      contact('ch-ops', 'champion', 'Ops'),
      contact('ch-it', 'champion', 'IT'),
      contact('pu-1', 'power_user', 'Ops'),
      contact('pu-2', 'power_user', 'Ops'),
      contact('pu-3', 'power_user', 'Ops'),
      contact('user', 'user', 'Sales'),
    ];
    const events = [
      OLD,
      // Frequency as in example 2
      ev('meeting.held', ago(20), { contactId: 'sponsor', properties: { onTime: true, activeParticipation: true, strategic: true } }),
      ev('meeting.held', ago(12), { contactId: 'ch-ops', properties: { onTime: true, executiveAttended: true, followThrough: true } }),
      ev('meeting.held', ago(4), { contactId: 'ch-it', properties: { onTime: true, activeParticipation: false } }),
      ...many(12, 'email.exchanged', ago(15), { contactId: 'user' }),
      ev('product.login', ago(10), { count: 10, contactId: 'pu-1' }),
      ev('product.login', ago(9), { count: 8, contactId: 'pu-2' }),
      ev('product.login', ago(8), { count: 5, contactId: 'pu-3' }),
      ...many(2, 'support.interaction', ago(5)),
      ev('training.attended', ago(3)),
      // Quality: 8 sent, 6 replied
      ...many(8, 'outreach.sent', ago(25)),
      ...many(6, 'outreach.replied', ago(24), { properties: { responseHours: 6 } }),
      // Product: 2 core, 1 advanced, 2 basic used (and one feature not in the catalogue)
      ...['core-1', 'core-2', 'core-2', 'advanced-1', 'basic-1', 'basic-4', 'unknown'].map((f) => ev('feature.used', ago(7), { properties: { feature: f } })),
    ];
    const r = score(events, { contacts, catalogue: catalogue(3, 2, 4), profile: { id: 'acc-4', tier: 'growth', lifecycleStage: null, startedAt: ago(400) } });

    expect(r.lifecycleStage).toBe('adoption');
    expect(dim(r, 'frequency').score).toBeCloseTo(47.826, 2);
    expect(measure(r, 'response_rate').points).toBe(80);
    expect(measure(r, 'meeting_quality').points).toBeCloseTo(46.667, 3);
    expect(Math.round(dim(r, 'quality').score! * 100) / 100).toBe(63.33);
    expect(dim(r, 'breadth').points).toBe(95);
    expect(Math.round(dim(r, 'breadth').score! * 100) / 100).toBe(79.17);
    expect(Math.round(dim(r, 'product').score! * 100) / 100).toBe(57.69);
    expect(r.state).toBe('scored');
    expect(r.partial).toBe(false);
    expect(r.score).toBe(61.0);
    expect(r.band).toEqual({ key: 'yellow', label: 'Moderately engaged', min: 60, action: 'Show value and find engagement gaps' });
    expect(r.target).toBe(75);
    expect(r.belowTarget).toBe(true);

    // The explanation of the same numbers, in plain words.
    expect(measure(r, 'response_rate').inputs).toEqual({ numerator: 6, denominator: 8, rate: 0.75 });
    expect(measure(r, 'response_rate').text).toBe('6 of 8 outreach emails answered (75%) → 80 points');
    expect(measure(r, 'logins').text).toBe('23 logins → 4 of 20 points (1 per 5)');
    expect(measure(r, 'emails').text).toBe('12 email exchanges → 20 of 20 points (2 each, capped)');
    expect(measure(r, 'adoption').text).toBe('2 of 3 core, 1 of 2 advanced, 2 of 4 basic features used → 57.7%');
    expect(measure(r, 'champions').text).toBe('2 champions engaged → 30 of 45 points (15 each)');
    expect(measure(r, 'multi_department').text).toBe('engaged contacts span 4 departments (3 needed) → 20 of 20 points');
    expect(measure(r, 'meeting_quality').text).toBe(
      '3 meetings (onTime 3, activeParticipation 1, executiveAttended 1, followThrough 1, strategic 1) → mean 46.7 of 100 points',
    );
    // Nothing in the previous window but history before it: real zeros there, no data for ratios.
    expect(measure(r, 'meetings').previous?.points).toBe(0);
    expect(measure(r, 'meetings').change).toBe(15);
    expect(measure(r, 'response_rate').previous?.noData).toBe(true);
    expect(measure(r, 'response_rate').change).toBeNull();
  });
});
