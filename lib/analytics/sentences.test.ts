import { describe, expect, it } from 'vitest';
import type { AucVerdict, CohortAnalysis, CohortGroup } from './cohort';
import { aucSentence, correlationSentence, curveSentence, liftSentence, tierSentence } from './sentences';

function analysis(partial: Partial<CohortAnalysis>): CohortAnalysis {
  return {
    asOf: '2026-01-01', horizonDays: 180, groupBy: 'quartile', groups: [], auc: 0.74, lift: 3.1, correlation: 0.21, aucInterval: [0.68, 0.8],
    churnRates: { bottom: 0.31, top: 0.1 }, significance: { auc: true, lift: true, correlation: true },
    population: { active: 400, scored: 400, churned: 60, notStarted: 0, churnedBefore: 0 }, byTier: [], ...partial,
  };
}

function group(label: string, auc: number | null, verdict: AucVerdict, accounts = 200, churned = 20): CohortGroup {
  return { key: label.toLowerCase(), label, accounts, churned, decisions: 0, renewed: 0, expanded: 0, retention: null, renewal: null, expansion: null, meanScore: null, scoreRange: null, auc, aucInterval: null, aucVerdict: verdict, significant: true, curve: [] };
}

describe('sentences', () => {
  it('says the lift as a plain ratio of churn rates', () => {
    expect(liftSentence(analysis({}))).toBe('Accounts in the bottom quartile churned 3.1x as often as the top quartile (31.0% vs 10.0%).');
    expect(liftSentence(analysis({ significance: { auc: true, lift: false, correlation: true } }))).toMatch(/Not significant/);
    expect(liftSentence(analysis({ lift: null, churnRates: { bottom: 0.2, top: 0 } }))).toBe(
      'No account in the top quartile churned, against 20.0% of the bottom quartile (the lift has no finite value).',
    );
    expect(liftSentence(analysis({ lift: null, churnRates: { bottom: null, top: null } }))).toMatch(/too few accounts/);
  });

  it('says the AUC as a comparison of two accounts, with its significance', () => {
    expect(aucSentence(analysis({}))).toBe(
      'Take one account that stayed and one that churned: the one that stayed had the higher score 74.0% of the time (50% would be a coin toss). The score predicts churn better than chance.',
    );
    expect(aucSentence(analysis({ significance: { auc: false, lift: true, correlation: true } }))).toMatch(/With 60 churned of 400 scored accounts this is not significant/);
    expect(aucSentence(analysis({ auc: null, population: { active: 10, scored: 10, churned: 0, notStarted: 0, churnedBefore: 0 } }))).toMatch(/no account with a score churned/);
  });

  it('says how strong the correlation is and which way it points', () => {
    expect(correlationSentence(analysis({}))).toBe('A weak link between higher scores and staying (correlation 0.21; 0 means none, 1 a perfect link).');
    expect(correlationSentence(analysis({ correlation: -0.4 }))).toMatch(/^A moderate link between higher scores and churning/);
    expect(correlationSentence(analysis({ correlation: null }))).toMatch(/^No correlation/);
  });

  it('names the tiers where the score does and does not predict churn', () => {
    expect(
      tierSentence([group('Strategic', 0.9, 'too_few', 40, 3), group('Growth', 0.78, 'predicts'), group('Core', 0.71, 'predicts'), group('Nurture', 0.52, 'chance'), group('Empty', null, 'too_few', 0, 0)]),
    ).toBe(
      'The score predicts churn for Growth (AUC 0.78) and Core (AUC 0.71). It does not for Nurture (AUC 0.52, no better than chance). Too few churned or retained accounts to tell for Strategic.',
    );
  });
});

describe('curveSentence', () => {
  it('names the best- and worst-kept drawn groups and says what is not drawn', () => {
    const a = { ...group('Top quartile', null, 'too_few', 100, 2), retention: 0.98 };
    const b = { ...group('Bottom quartile', null, 'too_few', 20, 5), retention: 0.75, significant: false };
    expect(curveSentence([a, b], 2, 180, 'quartile')).toBe(
      'After 180 days Top quartile had kept 98.0% of its accounts and Bottom quartile 75.0%. Dashed lines are groups under 30 accounts: not significant.',
    );
    expect(curveSentence([a], 5, 180, 'start month')).toBe('After 180 days Top quartile had kept 98.0% of its accounts. The 1 largest of 5 start month groups are drawn; every group is in the table.');
    expect(curveSentence([], 0, 180, 'tier')).toBe('No account in this cohort.');
  });
});
