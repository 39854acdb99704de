import { describe, expect, it } from 'vitest';
import { cadenceSchema, cadenceStatus, DEFAULT_CADENCE, everyLabel, touchesOf, triggersOf } from './cadence';
import { describeCondition, judge, playbookSchema, shortDate, type AccountSituation } from './playbooks';
import { touchpointSchema } from './touchpoints';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4, 9);
const BANDS = [
  { key: 'green', label: 'Highly engaged' },
  { key: 'yellow', label: 'Moderately engaged' },
  { key: 'orange', label: 'Low engagement' },
  { key: 'red', label: 'Disengaged' },
];
const situation = (over: Partial<AccountSituation> = {}): AccountSituation => ({
  tier: 'growth', score: 70, band: 'yellow', bands: BANDS, bandSince: null, target: 75, belowTarget: true, flags: [], renewalDate: null, cadence: [], ...over,
});

describe('cadence', () => {
  it('has the framework defaults and validates', () => {
    expect(cadenceSchema.parse(DEFAULT_CADENCE)).toEqual(DEFAULT_CADENCE);
    expect(DEFAULT_CADENCE.tiers.strategic.map((i) => i.everyDays)).toEqual([7, 91, 30]);
    expect(DEFAULT_CADENCE.tiers.nurture).toEqual([]);
    expect([...touchesOf(DEFAULT_CADENCE).keys()].sort()).toEqual(['email.exchanged', 'meeting.held', 'meeting.held#executiveAttended', 'qbr.held']);
    expect(triggersOf(DEFAULT_CADENCE)[0]).toEqual({ trigger: 'meeting.held', path: 'tiers.strategic[0].fulfilledBy[0].trigger' });
  });

  it('refuses duplicate keys, unknown fields and intervals out of range', () => {
    const dup = { tiers: { ...DEFAULT_CADENCE.tiers, core: [DEFAULT_CADENCE.tiers.core[0], DEFAULT_CADENCE.tiers.core[0]] } };
    expect(cadenceSchema.safeParse(dup).error?.issues.map((i) => i.path.join('.'))).toEqual(['tiers.core.1.key']);
    expect(cadenceSchema.safeParse({ tiers: { ...DEFAULT_CADENCE.tiers }, extra: 1 }).success).toBe(false);
    const long = { tiers: { ...DEFAULT_CADENCE.tiers, core: [{ ...DEFAULT_CADENCE.tiers.core[0]!, everyDays: 731 }] } };
    expect(cadenceSchema.safeParse(long).error?.issues[0]?.path.join('.')).toBe('tiers.core.0.everyDays');
    const proto = { tiers: { ...DEFAULT_CADENCE.tiers, core: [{ ...DEFAULT_CADENCE.tiers.core[0]!, fulfilledBy: [{ trigger: 'x', property: '__proto__' }] }] } };
    expect(cadenceSchema.safeParse(proto).success).toBe(false);
  });

  it('takes the latest of the touches that fulfil an item; never done is due an interval after the start', () => {
    const touches = new Map([['email.exchanged', NOW - 2 * DAY], ['meeting.held', NOW - 5 * DAY], ['qbr.held', NOW - 100 * DAY]]);
    const items = cadenceStatus(DEFAULT_CADENCE, 'strategic', touches, NOW - 365 * DAY);
    expect(items[0]).toMatchObject({ key: 'touchpoint', lastAt: NOW - 2 * DAY, lastTouch: 'email.exchanged', dueAt: NOW + 5 * DAY });
    expect(items[1]).toMatchObject({ key: 'business-review', lastAt: NOW - 100 * DAY, dueAt: NOW - 9 * DAY });
    expect(items[2]).toMatchObject({ key: 'executive-checkin', lastAt: null, lastTouch: null, dueAt: NOW - 335 * DAY });
    expect(cadenceStatus(DEFAULT_CADENCE, null, touches, 0)).toEqual([]);
  });

  it('says intervals in words', () => {
    expect([7, 14, 30, 91, 182, 365, 45].map(everyLabel)).toEqual(['weekly', 'every 2 weeks', 'monthly', 'quarterly', 'twice a year', 'yearly', 'every 45 days']);
  });
});

describe('playbook conditions', () => {
  it('band: holds at the band or worse, with the score and the day it fell', () => {
    const c = { kind: 'band' as const, band: 'orange' };
    expect(judge(c, null, situation(), NOW).holds).toBe(false);
    expect(judge(c, null, situation({ band: 'red', score: 38.24, bandSince: { at: NOW - 1000, score: 38.2 } }), NOW)).toEqual({ holds: true, reason: 'Created because the score fell to 38.2 (red, “Disengaged”) on 4 Dec' });
    expect(judge(c, null, situation({ band: 'orange', score: 45 }), NOW).reason).toBe('Created because the score fell to 45.0 (orange, “Low engagement”)');
    expect(judge(c, null, situation({ band: null, score: null }), NOW).holds).toBe(false);
  });

  it('flag: any, by key, or by severity', () => {
    const flags = [{ key: 'login_drop', label: 'Login drop', severity: 'red' as const, raisedAt: Date.UTC(2025, 10, 30), evidence: 'Logins fell 60%' }];
    expect(judge({ kind: 'flag' }, null, situation({ flags }), NOW).reason).toBe('Created because the red flag “Login drop” was raised on 30 Nov 2025: Logins fell 60%');
    expect(judge({ kind: 'flag', severity: 'yellow' }, null, situation({ flags }), NOW).holds).toBe(false);
    expect(judge({ kind: 'flag', flag: 'sponsor_silent' }, null, situation({ flags }), NOW).holds).toBe(false);
  });

  it('renewal: within the window, not past it', () => {
    const c = { kind: 'renewal' as const, withinDays: 60 };
    expect(judge(c, null, situation({ renewalDate: NOW + 30 * DAY }), NOW).reason).toBe('Created because the renewal is on 3 Jan 2027, in 30 days');
    expect(judge(c, null, situation({ renewalDate: NOW + 61 * DAY }), NOW).holds).toBe(false);
    expect(judge(c, null, situation({ renewalDate: NOW - DAY }), NOW).holds).toBe(false);
  });

  it('cadence overdue: the most overdue item, any or the one named', () => {
    const cadence = [
      { key: 'touchpoint', label: 'CSM touchpoint', everyDays: 14, lastAt: NOW - 20 * DAY, dueAt: NOW - 6 * DAY },
      { key: 'business-review', label: 'Business review', everyDays: 91, lastAt: null, dueAt: NOW - 30 * DAY },
    ];
    expect(judge({ kind: 'cadence_overdue' }, null, situation({ cadence }), NOW).reason).toBe('Created because the business review was due on 4 Nov (every 91 days; never done)');
    expect(judge({ kind: 'cadence_overdue', item: 'touchpoint' }, null, situation({ cadence }), NOW).reason).toBe('Created because the CSM touchpoint was due on 28 Nov (every 14 days; last on 14 Nov)');
    expect(judge({ kind: 'cadence_overdue', item: 'executive-checkin' }, null, situation({ cadence }), NOW).holds).toBe(false);
  });

  it('below target, and the tiers filter', () => {
    expect(judge({ kind: 'below_target' }, null, situation(), NOW).reason).toBe('Created because the score 70.0 is under the growth target of 75');
    expect(judge({ kind: 'below_target' }, ['strategic'], situation(), NOW).holds).toBe(false);
    expect(judge({ kind: 'below_target' }, [], situation(), NOW).holds).toBe(true);
    expect(judge({ kind: 'below_target' }, null, situation({ belowTarget: false }), NOW).holds).toBe(false);
  });

  it('validates playbooks and says their conditions in words', () => {
    expect(playbookSchema.safeParse({ key: 'x', name: 'X', condition: { kind: 'renewal', withinDays: 0 }, steps: [{ title: 'a', dueInDays: 1 }] }).error?.issues[0]?.path).toEqual(['condition', 'withinDays']);
    expect(playbookSchema.safeParse({ key: 'x', name: 'X', condition: { kind: 'nope' }, steps: [{ title: 'a', dueInDays: 1 }] }).success).toBe(false);
    expect(playbookSchema.safeParse({ key: 'x', name: 'X', condition: { kind: 'below_target' }, steps: [] }).error?.issues[0]?.message).toBe('Add at least one step');
    expect(describeCondition({ kind: 'band', band: 'red' }, BANDS)).toBe('The band falls to red (Disengaged) or worse');
    expect(describeCondition({ kind: 'flag', severity: 'red' })).toBe('A red flag is raised');
    expect(shortDate(Date.UTC(2026, 0, 2), NOW)).toBe('2 Jan');
  });
});

describe('touchpoints', () => {
  it('reads the form: checkboxes, optional numbers, a note required for a note', () => {
    expect(touchpointSchema.parse({ accountId: 'A', kind: 'call', minutes: '', onTime: 'on' })).toMatchObject({ minutes: undefined, onTime: true });
    expect(touchpointSchema.safeParse({ accountId: 'A', kind: 'note', note: '  ' }).error?.issues[0]?.path).toEqual(['note']);
    expect(touchpointSchema.safeParse({ accountId: 'A', kind: 'call', minutes: '2000' }).error?.issues[0]?.path).toEqual(['minutes']);
    expect(touchpointSchema.safeParse({ accountId: 'A', kind: 'fax' }).success).toBe(false);
  });
});
