/**
 * An experiment's report from each arm's raw figures (pure): per arm the metrics, each
 * `{ value, n }`, and each arm against the baseline (the first arm) with the difference, its 95%
 * interval, a p-value and whether the interval leaves out 0. Means are compared with Welch's t,
 * rates with a two-proportion z (unpooled Wald interval), NPS with Welch's t on each answer's
 * points. Also the sample size a chosen difference would need (80% power).
 */
import { accountsForMeans, accountsForRates, mean, nps, npsDifference, twoProportions, variance, welch, type Comparison } from './stats';

export const METRICS = ['scoreChange', 'churnRate', 'expansionRate', 'nps', 'csmMinutes'] as const;
export type MetricKey = (typeof METRICS)[number];

export const METRIC_LABELS: Record<MetricKey, string> = {
  scoreChange: 'Score change',
  churnRate: 'Churn rate',
  expansionRate: 'Expansion rate',
  nps: 'NPS',
  csmMinutes: 'CSM minutes per account',
};

export type MetricKind = 'mean' | 'rate' | 'nps';
export const METRIC_KIND: Record<MetricKey, MetricKind> = { scoreChange: 'mean', churnRate: 'rate', expansionRate: 'rate', nps: 'nps', csmMinutes: 'mean' };

export const METHODS: Record<MetricKind, string> = {
  mean: 'welch-t',
  rate: 'two-proportion-z-wald',
  nps: 'welch-t-on-nps-points',
};

/** What one arm's accounts did between the start and the as-of time. */
export interface ArmData {
  key: string;
  label: string;
  /** accounts assigned to the arm */
  accounts: number;
  /** per account with a score at both ends: score at as-of minus score at start */
  scoreChanges: number[];
  churned: number;
  expanded: number;
  /** NPS answers (0–10) given in the period */
  npsAnswers: number[];
  /** per account (every account of the arm, 0 for none): minutes of logged touchpoints */
  minutes: number[];
}

export interface Metric {
  value: number | null;
  n: number;
  /** standard deviation of the per-account values (means and NPS points), for the power calculator */
  sd?: number | null;
}

export interface ArmReport {
  key: string;
  label: string;
  accounts: number;
  metrics: Record<MetricKey, Metric>;
  /** mean score points gained per hour of CSM time (null without logged time) */
  pointsPerHour: number | null;
}

export interface ComparisonReport extends Comparison {
  arm: string;
  baseline: string;
  metric: MetricKey;
  method: string;
}

const sdOf = (xs: readonly number[]) => (xs.length >= 2 ? Math.sqrt(variance(xs)) : null);
const meanMetric = (xs: readonly number[]): Metric => ({ value: xs.length ? mean(xs) : null, n: xs.length, sd: sdOf(xs) });
const rate = (x: number, n: number): Metric => ({ value: n ? x / n : null, n });

export function armReport(d: ArmData): ArmReport {
  const scoreChange = meanMetric(d.scoreChanges);
  const csmMinutes = meanMetric(d.minutes);
  const hours = csmMinutes.value === null ? 0 : csmMinutes.value / 60;
  return {
    key: d.key,
    label: d.label,
    accounts: d.accounts,
    metrics: {
      scoreChange,
      churnRate: rate(d.churned, d.accounts),
      expansionRate: rate(d.expanded, d.accounts),
      nps: { value: nps(d.npsAnswers), n: d.npsAnswers.length, sd: sdOf(d.npsAnswers.map((a) => (a >= 9 ? 100 : a <= 6 ? -100 : 0))) },
      csmMinutes,
    },
    pointsPerHour: hours > 0 && scoreChange.value !== null ? scoreChange.value / hours : null,
  };
}

export function compare(baseline: ArmData, arm: ArmData, metric: MetricKey): ComparisonReport {
  const head = { arm: arm.key, baseline: baseline.key, metric, method: METHODS[METRIC_KIND[metric]] };
  switch (metric) {
    case 'scoreChange':
      return { ...head, ...welch(baseline.scoreChanges, arm.scoreChanges) };
    case 'csmMinutes':
      return { ...head, ...welch(baseline.minutes, arm.minutes) };
    case 'churnRate':
      return { ...head, ...twoProportions(baseline.churned, baseline.accounts, arm.churned, arm.accounts) };
    case 'expansionRate':
      return { ...head, ...twoProportions(baseline.expanded, baseline.accounts, arm.expanded, arm.accounts) };
    case 'nps':
      return { ...head, ...npsDifference(baseline.npsAnswers, arm.npsAnswers) };
  }
}

/** The arms' metrics and every arm after the first against the first. */
export function buildReport(arms: readonly ArmData[]): { arms: ArmReport[]; comparisons: ComparisonReport[] } {
  const baseline = arms[0];
  return {
    arms: arms.map(armReport),
    comparisons: baseline ? arms.slice(1).flatMap((arm) => METRICS.map((m) => compare(baseline, arm, m))) : [],
  };
}

export interface PowerAnswer {
  /** accounts (or, for NPS, answers) per arm needed */
  needed: number;
  /** the smallest arm's count now */
  have: number;
  /** how many more per arm (0: enough already) */
  more: number;
}

/**
 * How many accounts per arm a difference of `effect` would need to be seen at 80% power, from the
 * report's own spread: for rates, `effect` is in percentage points (5 = five points, from the
 * baseline's rate); for means and NPS, in the metric's unit.
 */
export function powerFor(report: { arms: readonly ArmReport[] }, metric: MetricKey, effect: number): PowerAnswer | null {
  const [baseline, ...others] = report.arms;
  if (!baseline || !others.length) return null;
  const kind = METRIC_KIND[metric];
  let needed: number | null;
  if (kind === 'rate') {
    needed = accountsForRates(baseline.metrics[metric].value ?? 0, effect / 100);
  } else {
    const sds = report.arms.map((a) => a.metrics[metric].sd).filter((s): s is number => typeof s === 'number');
    if (!sds.length) return null;
    // The largest spread of any arm: the cautious answer.
    const sd = Math.max(...sds);
    needed = accountsForMeans(sd, sd, effect);
  }
  if (needed === null) return null;
  const have = Math.min(...report.arms.map((a) => (kind === 'rate' ? a.accounts : a.metrics[metric].n)));
  return { needed, have, more: Math.max(0, needed - have) };
}
