/** The cohort of an as-of date and its figures, against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { analyzeCohort, churnedBy, groupCohort, retentionCurve, selectCohort, type CohortAccount } from './cohort';

const DAY = 86_400_000;
const D = Date.UTC(2026, 0, 1);
const BANDS = [
  { key: 'green', label: 'Highly engaged' },
  { key: 'yellow', label: 'Moderately engaged' },
  { key: 'orange', label: 'Low engagement' },
  { key: 'red', label: 'Disengaged' },
];

function account(id: string, partial: Partial<CohortAccount> = {}): CohortAccount {
  return { id, tier: 'core', startedAt: Date.UTC(2025, 0, 1), score: 50, band: 'orange', outcomes: [], ...partial };
}
const churn = (at: number) => ({ type: 'churned', at });

describe('selectCohort', () => {
  it('keeps accounts started before D and not churned at D, and reads outcomes in (D, D + H]', () => {
    const { members, notStarted, churnedBefore } = selectCohort(
      [
        account('active'),
        account('starts-at-D', { startedAt: D }),
        account('starts-later', { startedAt: D + DAY }),
        account('start-unknown', { startedAt: null }),
        account('churned-before', { outcomes: [churn(D - 30 * DAY)] }),
        account('churned-at-D', { outcomes: [churn(D)] }),
        account('came-back', { outcomes: [churn(D - 200 * DAY), { type: 'renewed', at: D - 100 * DAY }] }),
        account('churns-last-instant', { outcomes: [churn(D + 90 * DAY)] }),
        account('churns-after', { outcomes: [churn(D + 90 * DAY + 1)] }),
        account('renews-expands', { outcomes: [{ type: 'renewed', at: D + 10 * DAY }, { type: 'expanded', at: D + 20 * DAY }] }),
      ],
      D,
      90,
    );
    expect(notStarted).toBe(3);
    expect(churnedBefore).toBe(2);
    expect(members.map((m) => m.id)).toEqual(['active', 'came-back', 'churns-last-instant', 'churns-after', 'renews-expands']);
    const byId = Object.fromEntries(members.map((m) => [m.id, m]));
    expect(byId['churns-last-instant']!.churnedAt).toBe(D + 90 * DAY);
    expect(byId['churns-after']!.churnedAt).toBeNull();
    expect(byId['renews-expands']).toMatchObject({ renewed: true, expanded: true, churnedAt: null });
  });

  it('reads churn status as refreshChurnStatus does: a later renewal undoes a churn', () => {
    const outcomes = [churn(10), { type: 'renewed', at: 20 }, churn(30)];
    expect(churnedBy(outcomes, 5)).toBe(false);
    expect(churnedBy(outcomes, 10)).toBe(true);
    expect(churnedBy(outcomes, 25)).toBe(false);
    expect(churnedBy(outcomes, 30)).toBe(true);
  });

  it('gives quartiles only to accounts with a score', () => {
    const { members } = selectCohort([account('a', { score: null, band: null }), account('b', { score: 10 }), account('c', { score: 90 })], D, 30);
    expect(members.map((m) => m.quartile)).toEqual([null, 1, 3]);
  });
});

describe('retentionCurve', () => {
  const { members } = selectCohort(
    [account('a', { outcomes: [churn(D + 15 * DAY)] }), account('b', { outcomes: [churn(D + 45 * DAY)] }), account('c'), account('d')],
    D,
    100,
  );

  it('is the share not yet churned each 30 days after D, ending at the horizon', () => {
    expect(retentionCurve(members, D, 90)).toEqual([
      { month: 0, retained: 1 },
      { month: 1, retained: 0.75 },
      { month: 2, retained: 0.5 },
      { month: 3, retained: 0.5 },
    ]);
    // 100 days: months 0..4, the last point at day 100
    expect(retentionCurve(members, D, 100).map((p) => p.month)).toEqual([0, 1, 2, 3, 4]);
    expect(retentionCurve(members, D, 40)).toEqual([
      { month: 0, retained: 1 },
      { month: 1, retained: 0.75 },
      { month: 2, retained: 0.75 },
    ]);
  });

  it('is empty for an empty group', () => {
    expect(retentionCurve([], D, 90)).toEqual([]);
  });
});

describe('analyzeCohort', () => {
  // scores 10..80; churned: 10, 20, 40, 80. Quartiles of two: (10, 20) (30, 40) (50, 60) (70, 80).
  const churnedScores = new Set([10, 20, 40, 80]);
  const accounts = [10, 20, 30, 40, 50, 60, 70, 80].map((score, i) =>
    account(`a${i}`, {
      score,
      band: score >= 80 ? 'green' : score >= 60 ? 'yellow' : score >= 40 ? 'orange' : 'red',
      tier: i < 4 ? 'growth' : 'nurture',
      startedAt: i % 2 ? Date.UTC(2024, 2, 10) : Date.UTC(2025, 8, 30, 23),
      outcomes: churnedScores.has(score) ? [churn(D + 10 * DAY)] : [{ type: 'renewed', at: D + 5 * DAY }],
    }),
  );
  const a = analyzeCohort([...accounts, account('no-score', { score: null, band: null })], { asOf: D, horizonDays: 90, groupBy: 'quartile', bands: BANDS });

  it('computes AUC, lift and correlation over the accounts with a score', () => {
    // retained 30, 50, 60, 70 beat 2 + 3 + 3 + 3 of the 4 churned: 11 / 16
    expect(a.auc).toBe(0.6875);
    // bottom quartile 2 of 2 churned, top 1 of 2
    expect(a.churnRates).toEqual({ bottom: 1, top: 0.5 });
    expect(a.lift).toBe(2);
    // cov 3.75, SD 22.9129 and 0.5
    expect(a.correlation).toBeCloseTo(0.3273, 4);
    expect(a.significance).toEqual({ auc: false, lift: false, correlation: false });
    expect(a.population).toEqual({ active: 9, scored: 8, churned: 4, notStarted: 0, churnedBefore: 0 });
  });

  it('groups by quartile with rates, and keeps the accounts without a score apart', () => {
    expect(a.groups.map((g) => [g.key, g.accounts, g.churned, g.retention])).toEqual([
      ['q1', 2, 2, 0],
      ['q2', 2, 1, 0.5],
      ['q3', 2, 0, 1],
      ['q4', 2, 1, 0.5],
      ['no_data', 1, 0, 1],
    ]);
    const q3 = a.groups[2]!;
    expect(q3).toMatchObject({ label: 'Third quartile', renewal: 1, decisions: 2, expansion: 0, meanScore: 55, scoreRange: [50, 60], significant: false, auc: null });
    expect(a.groups[1]).toMatchObject({ renewal: 0.5, decisions: 2, renewed: 1 });
    expect(a.groups[4]).toMatchObject({ renewal: null, decisions: 0 });
  });

  it('reads an AUC only when both classes have enough accounts, and as significant when its interval leaves out 0.5', () => {
    const kept = Array.from({ length: 40 }, (_, i) => account(`k${i}`, { score: 50 + i }));
    const lost = (n: number, base: number) => Array.from({ length: n }, (_, i) => account(`c${base}${i}`, { score: base + i, outcomes: [churn(D + DAY)] }));
    const verdict = (list: CohortAccount[]) => analyzeCohort(list, { asOf: D, horizonDays: 90, groupBy: 'tier', bands: BANDS });
    const separated = verdict([...kept, ...lost(8, 10)]);
    expect(separated.byTier.find((g) => g.key === 'core')!.aucVerdict).toBe('predicts');
    expect(separated.significance.auc).toBe(true);
    expect(verdict([...kept, ...lost(4, 10)]).byTier.find((g) => g.key === 'core')!.aucVerdict).toBe('too_few');
    expect(verdict([...kept, ...lost(4, 10)]).significance.auc).toBe(false);
    // churned scores spread over the retained ones: no better than chance
    expect(verdict([...kept, ...lost(8, 60)]).byTier.find((g) => g.key === 'core')!.aucVerdict).toBe('chance');
    expect(verdict([...kept, ...lost(8, 200)]).byTier.find((g) => g.key === 'core')!.aucVerdict).toBe('backwards');
  });

  it('groups by band in the model order, tier and start month', () => {
    const byBand = groupCohort(selectCohort(accounts, D, 90).members, 'band', D, 90, BANDS);
    expect(byBand.map((g) => [g.key, g.label, g.accounts])).toEqual([
      ['green', 'Highly engaged', 1],
      ['yellow', 'Moderately engaged', 2],
      ['orange', 'Low engagement', 2],
      ['red', 'Disengaged', 3],
    ]);
    expect(a.byTier.map((g) => [g.key, g.accounts, g.auc])).toEqual([
      ['strategic', 0, null],
      // growth: 30 beats 10 and 20 of the churned 10, 20, 40 -> 2 / 3; nurture: 80 churned, 50..70 stayed -> 0
      ['growth', 4, 0.6667],
      ['core', 1, null],
      ['nurture', 4, 0],
    ]);
  });

  it('groups start months that cluster by UTC calendar month, only the months that hold accounts', () => {
    const byMonth = analyzeCohort(accounts, { asOf: D, horizonDays: 90, groupBy: 'startMonth', bands: BANDS });
    expect(byMonth.groups.map((g) => [g.key, g.label, g.accounts, g.churned])).toEqual([
      ['2024-03', 'Mar 2024', 4, 3],
      ['2025-09', 'Sep 2025', 4, 1],
    ]);
  });

  it('answers an empty cohort with empty groups and no figures', () => {
    const empty = analyzeCohort([account('late', { startedAt: D + DAY })], { asOf: D, horizonDays: 90, groupBy: 'quartile', bands: BANDS });
    expect(empty.groups.map((g) => [g.key, g.accounts, g.retention, g.curve])).toEqual([
      ['q1', 0, null, []],
      ['q2', 0, null, []],
      ['q3', 0, null, []],
      ['q4', 0, null, []],
    ]);
    expect([empty.auc, empty.lift, empty.correlation]).toEqual([null, null, null]);
    expect(empty.population).toMatchObject({ active: 0, notStarted: 1 });
  });
});
