/**
 * Companion metrics by band: other signals of health, measured over the same horizon as the
 * outcomes, that a trustworthy score should line up with (faster replies, more promoters, more
 * referrals in the better bands).
 */
import { formatPercent } from '@/lib/format';
import { groupCohort, type CohortMember } from './cohort';
import { round } from './stats';

/** What one account did in the horizon, summed from its daily aggregates. */
export interface AccountSignals {
  /** sum and count of `responseHours` on `outreach.replied` */
  responseHoursSum: number;
  responseHoursCount: number;
  /** NPS answers (`score` 0..10) by kind */
  nps: NpsTally;
  /** events of the referral trigger(s) */
  referrals: number;
}

export interface CompanionRow {
  key: string;
  label: string;
  accounts: number;
  renewal: number | null;
  expansion: number | null;
  /** mean hours to reply to outreach, over every reply */
  responseHours: number | null;
  replies: number;
  /** % promoters (9-10) minus % detractors (0-6), -100..100 */
  nps: number | null;
  npsResponses: number;
  /** referrals per account per year; null when no referral trigger exists */
  referralsPerAccountYear: number | null;
  significant: boolean;
}

/** NPS answers counted by kind: promoters (9-10), detractors (0-6), and all answers. */
export interface NpsTally {
  promoters: number;
  detractors: number;
  answers: number;
}

export const emptyNps = (): NpsTally => ({ promoters: 0, detractors: 0, answers: 0 });

/** Adds answers, each `score` counted `weight` times (an event's count). */
export function addNpsAnswer(tally: NpsTally, score: number, weight = 1): void {
  if (score >= 9) tally.promoters += weight;
  if (score <= 6) tally.detractors += weight;
  tally.answers += weight;
}

/** Adds the answers of a property statistic's weighted values. */
export function addNpsAnswers(tally: NpsTally, stat: { v?: number[]; w?: number[] }): void {
  const v = stat.v ?? [];
  for (let i = 0; i < v.length; i++) addNpsAnswer(tally, v[i], stat.w ? stat.w[i] : 1);
}

/** Net promoter score of a tally of answers, or null without answers. */
export function npsOf(tally: NpsTally): number | null {
  if (tally.answers === 0) return null;
  return round(((tally.promoters - tally.detractors) / tally.answers) * 100, 1);
}

export function companionByBand(
  members: readonly CohortMember[],
  signals: ReadonlyMap<CohortMember['id'], AccountSignals>,
  options: { asOf: number; horizonDays: number; bands: readonly { key: string; label: string }[]; referralsMeasured: boolean },
): CompanionRow[] {
  const groups = groupCohort(members, 'band', options.asOf, options.horizonDays, options.bands);
  const bandOf = (m: CohortMember) => m.band ?? 'no_data';
  return groups.map((g) => {
    let sum = 0;
    let count = 0;
    let referrals = 0;
    const nps = emptyNps();
    for (const m of members) {
      if (bandOf(m) !== g.key) continue;
      const s = signals.get(m.id);
      if (!s) continue;
      sum += s.responseHoursSum;
      count += s.responseHoursCount;
      referrals += s.referrals;
      nps.promoters += s.nps.promoters;
      nps.detractors += s.nps.detractors;
      nps.answers += s.nps.answers;
    }
    return {
      key: g.key,
      label: g.label,
      accounts: g.accounts,
      renewal: g.renewal,
      expansion: g.expansion,
      responseHours: count ? round(sum / count, 1) : null,
      replies: count,
      nps: npsOf(nps),
      npsResponses: nps.answers,
      referralsPerAccountYear: options.referralsMeasured && g.accounts ? round(referrals / g.accounts / (options.horizonDays / 365), 2) : null,
      significant: g.significant,
    };
  });
}

/** Compares the top and bottom bands that have accounts, in plain words. */
export function companionSentence(rows: readonly CompanionRow[], horizonDays: number): string {
  const banded = rows.filter((r) => r.key !== 'no_data' && r.accounts > 0);
  if (banded.length < 2) return 'Too few bands with accounts to compare.';
  const top = banded[0]!;
  const bottom = banded[banded.length - 1]!;
  const parts: string[] = [];
  if (top.renewal !== null && bottom.renewal !== null) parts.push(`renewal rate ${formatPercent(top.renewal)} vs ${formatPercent(bottom.renewal)}`);
  if (top.responseHours !== null && bottom.responseHours !== null) parts.push(`mean reply time ${top.responseHours.toFixed(1)} h vs ${bottom.responseHours.toFixed(1)} h`);
  if (top.nps !== null && bottom.nps !== null) parts.push(`NPS ${signed(top.nps)} vs ${signed(bottom.nps)}`);
  if (parts.length === 0) return `No renewals, replies or NPS answers in the ${horizonDays} days after the as-of date.`;
  return `In the ${horizonDays} days after the as-of date, “${top.label}” against “${bottom.label}” accounts: ${parts.join('; ')}.`;
}

const signed = (x: number) => (x > 0 ? `+${x.toFixed(0)}` : x.toFixed(0));
