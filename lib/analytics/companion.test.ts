import { describe, expect, it } from 'vitest';
import { selectCohort, type CohortAccount } from './cohort';
import { addNpsAnswers, companionByBand, companionSentence, emptyNps, npsOf, type AccountSignals, type NpsTally } from './companion';

const D = Date.UTC(2026, 0, 1);
const BANDS = [
  { key: 'green', label: 'Highly engaged' },
  { key: 'red', label: 'Disengaged' },
];

const tally = (scores: number[], weights?: number[]): NpsTally => {
  const t = emptyNps();
  addNpsAnswers(t, { v: scores, w: weights });
  return t;
};

describe('npsOf', () => {
  it('is % promoters (9-10) minus % detractors (0-6)', () => {
    expect(npsOf(tally([10, 10, 9, 3]))).toBe(50);
    expect(npsOf(tally([10, 9, 8, 7, 6, 0]))).toBe(0);
    expect(npsOf(tally([0, 6, 7]))).toBe(-66.7);
    expect(npsOf(tally([]))).toBeNull();
  });

  it('counts a weighted answer as many times as its weight', () => {
    expect(tally([10, 3], [3, 1])).toEqual(tally([10, 10, 10, 3]));
    expect(npsOf(tally([10, 3], [3, 1]))).toBe(50);
  });
});

describe('companionByBand', () => {
  const accounts: CohortAccount[] = [
    { id: 1, tier: 'core', startedAt: 0, score: 90, band: 'green', outcomes: [{ type: 'renewed', at: D + 1 }] },
    { id: 2, tier: 'core', startedAt: 0, score: 85, band: 'green', outcomes: [{ type: 'expanded', at: D + 1 }] },
    { id: 3, tier: 'core', startedAt: 0, score: 20, band: 'red', outcomes: [{ type: 'churned', at: D + 1 }] },
  ];
  const { members } = selectCohort(accounts, D, 365);
  const signals = new Map<number | string, AccountSignals>([
    [1, { responseHoursSum: 10, responseHoursCount: 4, nps: tally([10, 9]), referrals: 2 }],
    [2, { responseHoursSum: 2, responseHoursCount: 1, nps: tally([]), referrals: 0 }],
    [3, { responseHoursSum: 90, responseHoursCount: 1, nps: tally([3]), referrals: 0 }],
  ]);

  it('sums the band members’ signals: reply-weighted mean hours, NPS over answers, referrals per account-year', () => {
    const rows = companionByBand(members, signals, { asOf: D, horizonDays: 365, bands: BANDS, referralsMeasured: true });
    expect(rows).toEqual([
      { key: 'green', label: 'Highly engaged', accounts: 2, renewal: 1, expansion: 0.5, responseHours: 2.4, replies: 5, nps: 100, npsResponses: 2, referralsPerAccountYear: 1, significant: false },
      { key: 'red', label: 'Disengaged', accounts: 1, renewal: 0, expansion: 0, responseHours: 90, replies: 1, nps: -100, npsResponses: 1, referralsPerAccountYear: 0, significant: false },
    ]);
  });

  it('compares the top and the bottom band in one sentence', () => {
    const rows = companionByBand(members, signals, { asOf: D, horizonDays: 365, bands: BANDS, referralsMeasured: false });
    expect(companionSentence(rows, 365)).toBe(
      'In the 365 days after the as-of date, “Highly engaged” against “Disengaged” accounts: renewal rate 100.0% vs 0.0%; mean reply time 2.4 h vs 90.0 h; NPS +100 vs -100.',
    );
  });

  it('leaves referrals out when nothing measures them', () => {
    const rows = companionByBand(members, signals, { asOf: D, horizonDays: 365, bands: BANDS, referralsMeasured: false });
    expect(rows.map((r) => r.referralsPerAccountYear)).toEqual([null, null]);
  });
});
