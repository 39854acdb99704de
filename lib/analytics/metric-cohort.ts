/**
 * Metric cohorts, pure: the accounts of a cohort (SCORING.md §5) split into deciles of one
 * signal's value as of D (a measure's points, a trigger's count in the window), with the churn
 * rate of each decile and the AUC of the value alone, so a manager sees whether a signal separates
 * the accounts that churned before putting it in the model. Tied values stay in one decile.
 */
import { churnByDecile, type DecileRow } from './risk';
import { auc, aucInterval, round } from './stats';

export interface MetricSample {
  /** null: the signal could not be observed (a measure without data) */
  value: number | null;
  churned: boolean;
}

export interface MetricCohort {
  accounts: number;
  /** accounts without a value (left out of the deciles) */
  noValue: number;
  churned: number;
  distinctValues: number;
  /** fewer distinct values than deciles: some deciles are empty, ties are never split */
  fewValues: boolean;
  deciles: DecileRow[];
  /** P(value of a retained account > value of a churned one), ties half; below 0.5: more of it goes with churn */
  auc: number | null;
  aucInterval: [number, number] | null;
  /** does a higher value go with staying, with churning, or can one not tell (95% interval holds 0.5, or too few) */
  direction: 'higher_stays' | 'higher_churns' | 'unclear';
}

const MIN_CLASS = 5;

export function metricCohort(samples: readonly MetricSample[]): MetricCohort {
  const valued = samples.filter((s): s is { value: number; churned: boolean } => s.value !== null);
  const values = valued.map((s) => s.value);
  const churned = valued.map((s) => s.churned);
  const kept = valued.filter((s) => !s.churned).map((s) => s.value);
  const lost = valued.filter((s) => s.churned).map((s) => s.value);
  const value = auc(kept, lost);
  const interval = aucInterval(value, kept.length, lost.length);
  const distinctValues = new Set(values).size;
  const direction =
    interval === null || Math.min(kept.length, lost.length) < MIN_CLASS ? 'unclear' : interval[0] > 0.5 ? 'higher_stays' : interval[1] < 0.5 ? 'higher_churns' : 'unclear';
  return {
    accounts: samples.length,
    noValue: samples.length - valued.length,
    churned: samples.filter((s) => s.churned).length,
    distinctValues,
    fewValues: valued.length > 0 && distinctValues < 10,
    deciles: churnByDecile(values, churned),
    auc: round(value),
    aucInterval: interval && [round(interval[0])!, round(interval[1])!],
    direction,
  };
}
