/**
 * Validation of the score against outcomes (SCORING.md §5), pure: who is in the cohort of an
 * as-of date D and horizon H, what happened to them in (D, D + H], and the figures per group.
 * Callers load plain rows (accounts with their score as of D and their outcomes); docs/scoring.md
 * ("Validation against outcomes") states every choice made here.
 */
import { NO_DATA } from '@/lib/bands';
import { DAY_MS } from '@/lib/scoring/window';
import { quartilesOf, type Quartile } from './quartiles';
import { auc, aucInterval, correlationSignificant, pointBiserial, proportionsDiffer, round } from './stats';

export const GROUP_BYS = ['quartile', 'band', 'tier', 'startMonth'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** A retention curve's month is 30 days; its last point is the end of the horizon. */
export const MONTH_DAYS = 30;
/** Groups with fewer accounts are shown, marked "not significant". */
export const MIN_GROUP_ACCOUNTS = 30;
/** Fewer churned (or retained) scored accounts than this: an AUC is not read as significant. */
export const MIN_CLASS = 5;
/** The group of accounts without a score as of D (never red, never a quartile). */
export const NO_SCORE = NO_DATA.key;
export const TIERS = ['strategic', 'growth', 'core', 'nurture'] as const;

export interface OutcomeRecord {
  type: string;
  at: number;
}

export interface CohortAccount {
  id: number | string;
  tier: string | null;
  /** the contract start (or, when unknown, the first recorded activity); null: not known */
  startedAt: number | null;
  /** score and band as of D; null when the account had no score then */
  score: number | null;
  band: string | null;
  /** every outcome up to D + H, in time order */
  outcomes: readonly OutcomeRecord[];
}

export interface CohortMember {
  id: number | string;
  tier: string | null;
  startedAt: number;
  score: number | null;
  band: string | null;
  quartile: Quartile | null;
  /** the first churn in (D, D + H], or null */
  churnedAt: number | null;
  renewed: boolean;
  expanded: boolean;
}

/** Does the score separate churned from retained accounts: better than chance, the wrong way round, not distinguishably, or too few to tell? */
export type AucVerdict = 'predicts' | 'backwards' | 'chance' | 'too_few';

export interface CurvePoint {
  month: number;
  retained: number;
}

export interface CohortGroup {
  key: string;
  label: string;
  accounts: number;
  churned: number;
  /** accounts with a renewal decision in the horizon: renewed, or churned */
  decisions: number;
  renewed: number;
  expanded: number;
  /** share not churned by D + H */
  retention: number | null;
  /** renewed and not churned, over decisions */
  renewal: number | null;
  /** share with an expansion in the horizon */
  expansion: number | null;
  meanScore: number | null;
  scoreRange: [number, number] | null;
  /** the AUC inside the group, with its 95% interval */
  auc: number | null;
  aucInterval: [number, number] | null;
  aucVerdict: AucVerdict;
  /** at least MIN_GROUP_ACCOUNTS accounts */
  significant: boolean;
  curve: CurvePoint[];
}

export interface CohortAnalysis {
  asOf: string;
  horizonDays: number;
  groupBy: GroupBy;
  groups: CohortGroup[];
  auc: number | null;
  lift: number | null;
  correlation: number | null;
  aucInterval: [number, number] | null;
  /** churn rates of the bottom and top quartiles, the two sides of the lift */
  churnRates: { bottom: number | null; top: number | null };
  significance: { auc: boolean; lift: boolean; correlation: boolean };
  population: { active: number; scored: number; churned: number; notStarted: number; churnedBefore: number };
  /** the same figures per tier whatever the grouping: where does the score predict churn? */
  byTier: CohortGroup[];
}

export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Churned at instant t: the latest churn at or before t is not followed by a renewal or expansion by t. */
export function churnedBy(outcomes: readonly OutcomeRecord[], t: number): boolean {
  let churned = false;
  for (const o of outcomes) {
    if (o.at > t) break;
    if (o.type === 'churned') churned = true;
    else if (o.type === 'renewed' || o.type === 'expanded') churned = false;
  }
  return churned;
}

/**
 * The cohort of D: accounts started before D and not churned at D, with what happened in
 * (D, D + H]. Quartiles are taken over the members with a score.
 */
export function selectCohort(accounts: readonly CohortAccount[], asOf: number, horizonDays: number) {
  const end = asOf + horizonDays * DAY_MS;
  const members: CohortMember[] = [];
  let notStarted = 0;
  let churnedBefore = 0;
  for (const a of accounts) {
    if (a.startedAt === null || a.startedAt >= asOf) {
      notStarted++;
      continue;
    }
    if (churnedBy(a.outcomes, asOf)) {
      churnedBefore++;
      continue;
    }
    let churnedAt: number | null = null;
    let renewed = false;
    let expanded = false;
    for (const o of a.outcomes) {
      if (o.at <= asOf || o.at > end) continue;
      if (o.type === 'churned' && churnedAt === null) churnedAt = o.at;
      else if (o.type === 'renewed') renewed = true;
      else if (o.type === 'expanded') expanded = true;
    }
    members.push({ id: a.id, tier: a.tier, startedAt: a.startedAt, score: a.score, band: a.score === null ? null : a.band, quartile: null, churnedAt, renewed, expanded });
  }
  const scored = members.filter((m) => m.score !== null);
  quartilesOf(scored.map((m) => m.score!)).forEach((q, i) => (scored[i]!.quartile = q));
  return { members, notStarted, churnedBefore };
}

/** Share of the members not yet churned 0, 1, 2, ... months after D; the last point is D + H. */
export function retentionCurve(members: readonly CohortMember[], asOf: number, horizonDays: number): CurvePoint[] {
  if (members.length === 0) return [];
  const churnTimes = members.flatMap((m) => (m.churnedAt === null ? [] : [m.churnedAt])).sort((a, b) => a - b);
  const months = Math.ceil(horizonDays / MONTH_DAYS);
  const points: CurvePoint[] = [];
  let k = 0;
  for (let month = 0; month <= months; month++) {
    const cutoff = asOf + Math.min(month * MONTH_DAYS, horizonDays) * DAY_MS;
    while (k < churnTimes.length && churnTimes[k]! <= cutoff) k++;
    points.push({ month, retained: round(1 - k / members.length)! });
  }
  return points;
}

const rate = (x: number, n: number) => (n === 0 ? null : round(x / n));

function aucOf(members: readonly CohortMember[]) {
  const scored = members.filter((m) => m.score !== null);
  const kept = scored.filter((m) => m.churnedAt === null).map((m) => m.score!);
  const lost = scored.filter((m) => m.churnedAt !== null).map((m) => m.score!);
  const value = auc(kept, lost);
  const interval = aucInterval(value, kept.length, lost.length);
  // Read only when both classes are big enough, and significant when the 95% interval leaves out 0.5.
  const verdict: AucVerdict =
    interval === null || Math.min(kept.length, lost.length) < MIN_CLASS ? 'too_few' : interval[0] > 0.5 ? 'predicts' : interval[1] < 0.5 ? 'backwards' : 'chance';
  return { value, interval, scored, verdict };
}

export function summarizeGroup(key: string, label: string, members: readonly CohortMember[], asOf: number, horizonDays: number): CohortGroup {
  const churned = members.filter((m) => m.churnedAt !== null).length;
  const decisions = members.filter((m) => m.renewed || m.churnedAt !== null).length;
  const renewed = members.filter((m) => m.renewed && m.churnedAt === null).length;
  const expanded = members.filter((m) => m.expanded).length;
  const { value, interval, scored, verdict } = aucOf(members);
  const scores = scored.map((m) => m.score!);
  return {
    key,
    label,
    accounts: members.length,
    churned,
    decisions,
    renewed,
    expanded,
    retention: rate(members.length - churned, members.length),
    renewal: rate(renewed, decisions),
    expansion: rate(expanded, members.length),
    meanScore: scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length, 1) : null,
    scoreRange: scores.length ? [Math.min(...scores), Math.max(...scores)] : null,
    auc: round(value),
    aucInterval: interval && [round(interval[0])!, round(interval[1])!],
    aucVerdict: verdict,
    significant: members.length >= MIN_GROUP_ACCOUNTS,
    curve: retentionCurve(members, asOf, horizonDays),
  };
}

const QUARTILE_LABELS = ['Bottom quartile', 'Second quartile', 'Third quartile', 'Top quartile'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NO_SCORE_LABEL = NO_DATA.label;

function keyOf(m: CohortMember, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'quartile':
      return m.quartile === null ? NO_SCORE : `q${m.quartile}`;
    case 'band':
      return m.band ?? NO_SCORE;
    case 'tier':
      return m.tier ?? 'none';
    case 'startMonth':
      return isoDate(m.startedAt).slice(0, 7);
  }
}

/** Groups in reading order with labels; the fixed groups of a grouping appear even when empty. */
function groupOrder(groupBy: GroupBy, present: Set<string>, bands: readonly { key: string; label: string }[]): { key: string; label: string }[] {
  const tail = present.has(NO_SCORE) ? [{ key: NO_SCORE, label: NO_SCORE_LABEL }] : [];
  switch (groupBy) {
    case 'quartile':
      return [...QUARTILE_LABELS.map((label, i) => ({ key: `q${i + 1}`, label })), ...tail];
    case 'band': {
      const known = new Set(bands.map((b) => b.key));
      const others = [...present].filter((k) => !known.has(k) && k !== NO_SCORE).sort();
      return [...bands.map((b) => ({ key: b.key, label: b.label })), ...others.map((k) => ({ key: k, label: k })), ...tail];
    }
    case 'tier': {
      const others = [...present].filter((k) => !(TIERS as readonly string[]).includes(k) && k !== 'none').sort();
      const keys = [...TIERS, ...others, ...(present.has('none') ? ['none'] : [])];
      return keys.map((k) => ({ key: k, label: k === 'none' ? 'No tier' : k[0]!.toUpperCase() + k.slice(1) }));
    }
    case 'startMonth':
      // Only the months that hold accounts: start dates may cluster in a few months.
      return [...present].sort().map((k) => ({ key: k, label: `${MONTHS[Number(k.slice(5, 7)) - 1]} ${k.slice(0, 4)}` }));
  }
}

export function groupCohort(members: readonly CohortMember[], groupBy: GroupBy, asOf: number, horizonDays: number, bands: readonly { key: string; label: string }[]): CohortGroup[] {
  const byKey = new Map<string, CohortMember[]>();
  for (const m of members) {
    const k = keyOf(m, groupBy);
    const list = byKey.get(k);
    if (list) list.push(m);
    else byKey.set(k, [m]);
  }
  return groupOrder(groupBy, new Set(byKey.keys()), bands).map(({ key, label }) => summarizeGroup(key, label, byKey.get(key) ?? [], asOf, horizonDays));
}

export interface AnalyzeOptions {
  asOf: number;
  horizonDays: number;
  groupBy: GroupBy;
  /** the live model's bands, top first (order and labels of the band grouping) */
  bands: readonly { key: string; label: string }[];
}

export function analyzeCohort(accounts: readonly CohortAccount[], options: AnalyzeOptions): CohortAnalysis {
  const { asOf, horizonDays, groupBy, bands } = options;
  const { members, notStarted, churnedBefore } = selectCohort(accounts, asOf, horizonDays);
  const groups = groupCohort(members, groupBy, asOf, horizonDays, bands);
  const overall = aucOf(members);
  const correlation = pointBiserial(
    overall.scored.map((m) => m.score!),
    overall.scored.map((m) => m.churnedAt === null),
  );
  const quartile = (q: Quartile) => members.filter((m) => m.quartile === q);
  const bottom = quartile(1);
  const top = quartile(4);
  const churnedIn = (list: CohortMember[]) => list.filter((m) => m.churnedAt !== null).length;
  const bottomRate = rate(churnedIn(bottom), bottom.length);
  const topRate = rate(churnedIn(top), top.length);
  // from the counts, not the rounded rates
  const lift = bottom.length && top.length && churnedIn(top) ? churnedIn(bottom) / bottom.length / (churnedIn(top) / top.length) : null;
  return {
    asOf: isoDate(asOf),
    horizonDays,
    groupBy,
    groups,
    auc: round(overall.value),
    lift: round(lift, 2),
    correlation: round(correlation),
    aucInterval: overall.interval && [round(overall.interval[0])!, round(overall.interval[1])!],
    churnRates: { bottom: bottomRate, top: topRate },
    significance: {
      auc: overall.verdict === 'predicts' || overall.verdict === 'backwards',
      lift: lift !== null && proportionsDiffer(churnedIn(bottom), bottom.length, churnedIn(top), top.length),
      correlation: correlationSignificant(correlation, overall.scored.length),
    },
    population: { active: members.length, scored: overall.scored.length, churned: churnedIn(members), notStarted, churnedBefore },
    byTier: groupBy === 'tier' ? groups : groupCohort(members, 'tier', asOf, horizonDays, bands),
  };
}
