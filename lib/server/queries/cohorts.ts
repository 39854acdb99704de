/**
 * Cohort validation reads: the one query function behind the Cohorts page and GET
 * /api/v1/cohorts, its defaults, and the companion metrics by band. The figures are computed
 * by lib/analytics from plain rows loaded here.
 */
import { analyzeCohort, isoDate, selectCohort, type CohortAccount, type CohortAnalysis, type OutcomeRecord } from '@/lib/analytics/cohort';
import { addNpsAnswers, companionByBand, emptyNps, type AccountSignals, type CompanionRow } from '@/lib/analytics/companion';
import type { CohortParams, CohortQuery } from '@/lib/analytics/params';
import { recordOfLent } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AggregateReader, DAY_MS, dayOf } from '../aggregates';
import { AppError } from '../errors';
import { getLiveModel, liveBands } from './model';
import { historyRange } from './score-source';

const toMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const toDate = (day: number) => isoDate(day * DAY_MS);

export interface CohortDefaults extends CohortParams {
  /** the first and last day with score history, or null without any */
  firstDate: string | null;
  lastDate: string | null;
}

/**
 * Defaults that a manager can read straight away: a horizon of 180 days when the history allows
 * (else 90), ending on the last day with history, and an as-of date at least one scoring window
 * after the history begins (earlier scores see an incomplete window).
 */
export async function cohortDefaults(db: Store): Promise<CohortDefaults> {
  const [range, live] = await Promise.all([
    historyRange(db),
    getLiveModel(db),
  ]);
  const today = dayOf(Date.now());
  if (range.first === null || range.last === null) return { asOf: toDate(today - 90), horizonDays: 90, groupBy: 'quartile', firstDate: null, lastDate: null };
  const windowDays = live?.model.windowDays ?? 30;
  const earliest = range.first + windowDays + 1;
  const end = Math.min(range.last + 1, today);
  const horizonDays = end - earliest >= 180 ? 180 : 90;
  return { asOf: toDate(Math.max(earliest, end - horizonDays)), horizonDays, groupBy: 'quartile', firstDate: toDate(range.first), lastDate: toDate(range.last) };
}

/** Fills in the defaults and refuses an as-of date in the future. */
export async function resolveCohortParams(db: Store, query: CohortQuery, defaults?: CohortDefaults): Promise<CohortParams> {
  const d = query.asOf && query.horizonDays ? null : (defaults ?? (await cohortDefaults(db)));
  const params = { asOf: query.asOf ?? d!.asOf, horizonDays: query.horizonDays ?? d!.horizonDays, groupBy: query.groupBy ?? 'quartile' };
  if (toMs(params.asOf) > Date.now()) {
    throw new AppError('invalid', 'asOf is in the future: there is no score for it yet', [{ path: 'asOf', message: 'must not be after today' }]);
  }
  return params;
}

/**
 * Every account with its start, its score as of D and its outcomes up to D + H. The score as of
 * D (UTC midnight) is the snapshot of day D - 1: snapshots hold the score as of the end of their
 * day, so that one counts every event before D and none after. An account without a start date
 * starts at its first recorded activity.
 */
export async function loadCohortAccounts(db: Store, asOf: number, horizonDays: number): Promise<CohortAccount[]> {
  const [rows, outcomeRows] = await Promise.all([
    db.all<{ pk: number; tier: string | null; started_at: number | null; score: number | null; band: string | null }>(
      `SELECT a.pk, a.tier, coalesce(a.started_at, act.first_at) AS started_at, s.score, s.band
       FROM accounts a
       LEFT JOIN account_activity act ON act.account_pk = a.pk
       LEFT JOIN score_snapshots s ON s.account_pk = a.pk AND s.day = ?
       ORDER BY a.pk`,
      [dayOf(asOf) - 1],
    ),
    db.all<{ account_pk: number; type: string; occurred_at: number }>(
      `SELECT account_pk, type, occurred_at FROM outcomes WHERE type IN ('churned', 'renewed', 'expanded') AND occurred_at <= ? ORDER BY occurred_at, pk`,
      [asOf + horizonDays * DAY_MS],
    ),
  ]);
  const outcomes = new Map<number, OutcomeRecord[]>();
  for (const { account_pk: pk, type, occurred_at: at } of outcomeRows) {
    const list = outcomes.get(pk);
    if (list) list.push({ type, at });
    else outcomes.set(pk, [{ type, at }]);
  }
  return rows.map((r) => ({ id: r.pk, tier: r.tier, startedAt: r.started_at, score: r.score, band: r.band, outcomes: outcomes.get(r.pk) ?? [] }));
}

export interface CohortAnswer extends CohortAnalysis {
  /** D + H; outcomes after today are not known yet */
  horizonEnd: string;
  /** false while the horizon reaches past today: retention is then overstated */
  complete: boolean;
}

/** The cohort figures of SCORING.md §5 for one as-of date, horizon and grouping. */
export async function cohortAnalysis(db: Store, params: CohortParams): Promise<CohortAnswer> {
  const asOf = toMs(params.asOf);
  const end = asOf + params.horizonDays * DAY_MS;
  const [accounts, bands] = await Promise.all([loadCohortAccounts(db, asOf, params.horizonDays), liveBands(db)]);
  const analysis = analyzeCohort(accounts, { asOf, horizonDays: params.horizonDays, groupBy: params.groupBy, bands });
  return { ...analysis, horizonEnd: toDate(dayOf(end)), complete: end <= Date.now() };
}

export interface CompanionAnswer {
  rows: CompanionRow[];
  /** the triggers counted as referrals; empty when the catalogue has none */
  referralTriggers: string[];
}

const RESPONSE_TRIGGER = 'outreach.replied';
const NPS_TRIGGER = 'nps.response';

/**
 * Renewal, expansion, reply time, NPS and referrals by band as of D, over the days of the horizon
 * (from the daily aggregates' property statistics). Referrals are counted only when the trigger
 * catalogue has a trigger whose key or label mentions a referral.
 */
export async function companionMetrics(db: Store, params: CohortParams): Promise<CompanionAnswer> {
  const asOf = toMs(params.asOf);
  const [cohort, referralTriggers, bands] = await Promise.all([
    loadCohortAccounts(db, asOf, params.horizonDays),
    db.column<string>(`SELECT key FROM triggers WHERE lower(key) LIKE '%referr%' OR lower(label) LIKE '%referr%' ORDER BY key`),
    liveBands(db),
  ]);
  const { members } = selectCohort(cohort, asOf, params.horizonDays);
  const types = [RESPONSE_TRIGGER, NPS_TRIGGER, ...referralTriggers];
  const firstDay = dayOf(asOf);
  const reader = new AggregateReader(db, { fromDay: firstDay, toDay: firstDay + params.horizonDays, types, propTypes: [RESPONSE_TRIGGER, NPS_TRIGGER] });
  const noContacts = new Map<number, string>();
  const signals = new Map<number | string, AccountSignals>();
  await reader.readMany(members.map((m) => Number(m.id)), noContacts, (_pk, i) => {
    const s: AccountSignals = { responseHoursSum: 0, responseHoursCount: 0, nps: emptyNps(), referrals: 0 };
    signals.set(members[i]!.id, s);
    return {
      contact() {},
      feature() {},
      type(_t, type, n, lent) {
        const stats = lent && recordOfLent(lent);
        if (referralTriggers.includes(type)) s.referrals += n;
        if (type === RESPONSE_TRIGGER && stats?.responseHours) {
          s.responseHoursSum += stats.responseHours.s;
          s.responseHoursCount += stats.responseHours.c;
        }
        if (type === NPS_TRIGGER && stats?.score?.v) addNpsAnswers(s.nps, stats.score);
      },
    };
  });
  return {
    rows: companionByBand(members, signals, { asOf, horizonDays: params.horizonDays, bands, referralsMeasured: referralTriggers.length > 0 }),
    referralTriggers,
  };
}

export interface CohortPageData {
  params: CohortParams;
  defaults: CohortDefaults;
  cohorts: CohortAnswer;
}

/**
 * What the Cohorts page shows first: the API's figures (the same function) with the settings
 * they were computed for. The companion metrics come in a request of their own: they read the
 * daily aggregates of the whole horizon and take seconds on large portfolios.
 */
export async function cohortPage(db: Store, query: CohortQuery): Promise<CohortPageData> {
  const defaults = await cohortDefaults(db);
  const params = await resolveCohortParams(db, query, defaults);
  return { params, defaults, cohorts: await cohortAnalysis(db, params) };
}
