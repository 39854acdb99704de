import { describe, expect, it } from 'vitest';
import { DAY_MS } from './cadence';
import { accountPriority, applyBudget, arrWeight, rankByPriority, renewalWeight, restSentence, type PriorityInput } from './priority';

const NOW = Date.UTC(2026, 5, 15, 9);
const days = (n: number) => NOW + n * DAY_MS;
const base: PriorityInput = { arr: 50_000, renewalDate: null, band: 'yellow', alerts: [], tasks: [], cadence: [] };
const redFlag = { severity: 'red' as const, kind: 'flag' as const };
const yellowFlag = { severity: 'yellow' as const, kind: 'flag' as const };
const score = (input: Partial<PriorityInput>) => accountPriority({ ...base, ...input }, NOW).score;

describe('accountPriority', () => {
  it('ranks the worse item first on equal accounts: red > overdue task > overdue touchpoint > yellow > task not yet due', () => {
    const red = score({ alerts: [redFlag] });
    const redBand = score({ band: 'red', tasks: [{ dueAt: days(3) }] });
    const overdueTask = score({ tasks: [{ dueAt: days(-1) }] });
    const overdueCadence = score({ cadence: [{ dueAt: days(-1), label: 'Touchpoint' }] });
    const yellow = score({ alerts: [yellowFlag] });
    const later = score({ tasks: [{ dueAt: days(3) }] });
    expect(red).toBeGreaterThan(overdueTask);
    expect(redBand).toBeGreaterThan(overdueTask);
    expect(overdueTask).toBeGreaterThan(overdueCadence);
    expect(overdueCadence).toBeGreaterThan(yellow);
    expect(yellow).toBeGreaterThan(later);
    expect(later).toBeGreaterThan(0);
    expect(score({})).toBe(0);
  });

  it('weighs more ARR, a nearer renewal and a longer delay higher', () => {
    const item = { cadence: [{ dueAt: days(-2), label: 'Touchpoint' }] };
    expect(score({ ...item, arr: 120_000 })).toBeGreaterThan(score({ ...item, arr: 20_000 }));
    expect(score({ ...item, renewalDate: days(10) })).toBeGreaterThan(score({ ...item, renewalDate: days(60) }));
    expect(score({ ...item, renewalDate: days(60) })).toBeGreaterThan(score({ ...item, renewalDate: days(200) }));
    expect(score({ ...item, renewalDate: days(200) })).toBe(score(item));
    expect(score({ cadence: [{ dueAt: days(-15), label: 'Touchpoint' }] })).toBeGreaterThan(score({ cadence: [{ dueAt: days(-3), label: 'Touchpoint' }] }));
    // More items weigh a little more, never enough to jump a severity class on their own.
    const many = { cadence: [1, 2, 3, 4, 5, 6, 7].map((i) => ({ dueAt: days(-30 - i), label: `Item ${i}` })) };
    expect(score(many)).toBeGreaterThan(score({ cadence: [{ dueAt: days(-31), label: 'Item' }] }));
    expect(score(many)).toBeLessThanOrEqual(score({ tasks: [{ dueAt: days(-30) }] }));
  });

  it('lets what is at stake beat severity: a big account renewing soon outranks a small one with a red flag', () => {
    const big = score({ arr: 1_000_000, renewalDate: days(14), cadence: [{ dueAt: days(-5), label: 'Touchpoint' }] });
    const small = score({ arr: 5_000, alerts: [redFlag] });
    expect(big).toBeGreaterThan(small);
    expect(arrWeight(0)).toBe(1);
    expect(arrWeight(1_000_000)).toBeCloseTo(3, 1);
    expect(renewalWeight(0)).toBe(2);
    expect(renewalWeight(90)).toBe(1);
  });

  it('explains the rank in words', () => {
    expect(accountPriority({ ...base, arr: 120_000, renewalDate: days(21), alerts: [redFlag] }, NOW).why).toBe('$120K ARR, renews in 21 days, red flag');
    expect(accountPriority({ ...base, alerts: [{ severity: 'red', kind: 'band_drop' }], tasks: [{ dueAt: days(-3) }] }, NOW).why).toBe('$50K ARR, dropped to red, 1 task overdue (by 3 days)');
    expect(accountPriority({ ...base, band: 'red', cadence: [{ dueAt: days(-12), label: 'Executive check-in' }] }, NOW).why).toBe('$50K ARR, red band, executive check-in 12 days overdue');
    expect(accountPriority({ ...base, renewalDate: days(1), tasks: [{ dueAt: days(-1) }, { dueAt: days(-4) }], cadence: [{ dueAt: days(-2), label: 'Touchpoint' }, { dueAt: days(-9), label: 'QBR' }] }, NOW).why)
      .toBe('$50K ARR, renews tomorrow, 2 tasks overdue (by 4 days), QBR 9 days overdue (+1 more)');
    expect(accountPriority({ ...base, band: 'red', cadence: [{ dueAt: days(-1172), label: 'Executive check-in', neverDone: true }] }, NOW).why).toBe('$50K ARR, red band, executive check-in never done');
    expect(accountPriority({ ...base, alerts: [yellowFlag, yellowFlag] }, NOW).why).toBe('$50K ARR, 2 yellow alerts');
    expect(accountPriority({ ...base, tasks: [{ dueAt: days(5) }] }, NOW)).toMatchObject({ why: '$50K ARR, 1 open task', severity: 'task', items: 1, renewsInDays: null });
    expect(accountPriority({ ...base, renewalDate: days(0.2), alerts: [redFlag, redFlag] }, NOW).why).toBe('$50K ARR, renews today, 2 red flags');
  });
});

describe('rankByPriority and the budget', () => {
  const entry = (id: string, input: Partial<PriorityInput>) => ({ id, ...base, ...input });
  const entries = [
    entry('a-small-yellow', { arr: 10_000, alerts: [yellowFlag] }),
    entry('b-red', { arr: 120_000, alerts: [redFlag] }),
    entry('c-cadence', { arr: 120_000, cadence: [{ dueAt: days(-3), label: 'Touchpoint' }] }),
    entry('d-twin', { arr: 80_000, tasks: [{ dueAt: days(2) }] }),
    entry('e-twin', { arr: 80_000, tasks: [{ dueAt: days(2) }] }),
  ];

  it('orders by priority, then ARR, then the tie key, the same every time', () => {
    const ranked = rankByPriority(entries, (e) => e, (e) => e.id, NOW);
    expect(ranked.map((r) => r.entry.id)).toEqual(['b-red', 'c-cadence', 'a-small-yellow', 'd-twin', 'e-twin']);
    expect(rankByPriority([...entries].reverse(), (e) => e, (e) => e.id, NOW).map((r) => r.entry.id)).toEqual(ranked.map((r) => r.entry.id));
  });

  it('keeps the budget in full and counts every item of the rest', () => {
    const ranked = rankByPriority(entries, (e) => e, (e) => e.id, NOW).map((r) => r.entry);
    const { top, rest, summary } = applyBudget(ranked, 2);
    expect(top.map((e) => e.id)).toEqual(['b-red', 'c-cadence']);
    expect(rest.map((e) => e.id)).toEqual(['a-small-yellow', 'd-twin', 'e-twin']);
    expect(summary).toEqual({ accounts: 3, items: 3, touchpoints: 0, tasks: 2, alerts: 1 });
    expect(restSentence(summary)).toBe('3 more accounts with 3 items: 2 tasks, 1 alert');
    expect(applyBudget(ranked, 10)).toMatchObject({ top: ranked, rest: [], summary: { accounts: 0, items: 0 } });
    expect(restSentence(applyBudget(ranked, 10).summary)).toBeNull();
    expect(applyBudget(ranked, 0).rest).toHaveLength(5);
  });

  it('writes the summary as the morning reads it', () => {
    expect(restSentence({ accounts: 34, items: 51, touchpoints: 12, tasks: 30, alerts: 9 })).toBe('34 more accounts with 51 items: 12 overdue touchpoints, 30 tasks, 9 alerts');
    expect(restSentence({ accounts: 1, items: 1, touchpoints: 1, tasks: 0, alerts: 0 })).toBe('1 more account with 1 item: 1 overdue touchpoint');
  });
});
