/**
 * Churn risk, pure: a calibrated probability of churning within a horizon, from a logistic
 * regression (lib/analytics/logistic.ts) on a few explainable features (the live model's
 * dimension scores, the score change). Fitted on earlier dates of the history and judged on later
 * ones it never saw: AUC, Brier score and a calibration table by decile (predicted mean against
 * observed rate). When Platt scaling, judged by cross-fitting on the held-out part, lowers the
 * Brier score there, it is applied; the stored model says which. Reasons name the features that
 * move one account's risk most against a typical account: coefficient x (value - mean).
 */
import { fitLogistic, sigmoid, type LogisticSample } from './logistic';
import { auc, round } from './stats';

export interface RiskFeature {
  key: string;
  label: string;
  /** how a value reads: a 0..100 score, or a change in points (signed) */
  kind: 'score' | 'change';
}

export type RiskCalibration = { method: 'none' } | { method: 'platt'; a: number; b: number };

export interface RiskModel {
  features: RiskFeature[];
  /** per feature, log-odds of churn per unit */
  coefficients: number[];
  intercept: number;
  /** the training means: what a missing value stands for, and "typical" in the reasons */
  means: number[];
  calibration: RiskCalibration;
}

export interface DecileRow {
  decile: number;
  samples: number;
  churned: number;
  /** the range of the values grouped (for a calibration table: of the predicted probabilities) */
  from: number;
  to: number;
  /** mean predicted probability (calibration tables) or null */
  predicted: number | null;
  /** observed churn rate */
  observed: number;
}

export interface HeldOutMetrics {
  samples: number;
  churned: number;
  auc: number | null;
  brier: number | null;
  deciles: DecileRow[];
  /** before the calibration step, when one was applied (same held-out samples) */
  before: { brier: number | null; deciles: DecileRow[] } | null;
}

export interface RiskSample {
  x: readonly (number | null)[];
  churned: boolean;
  /** the account: the held-out part is split by account for cross-fitting the calibration */
  account: number;
}

/**
 * The decile (1..k) of each value, parallel to the input. Tied values are never split: a run of
 * equal values takes the decile of its midpoint, ceil(k x (values below + run / 2) / n), as the
 * score quartiles do. With fewer distinct values than deciles some deciles stay empty.
 */
export function decilesOf(values: readonly number[], k = 10): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const byValue = new Map<number, number>();
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && sorted[j] === sorted[i]) j++;
    byValue.set(sorted[i]!, Math.min(k, Math.max(1, Math.ceil((k * (i + (j - i) / 2)) / n))));
    i = j;
  }
  return values.map((v) => byValue.get(v)!);
}

/**
 * Churn by decile of `values` (non-empty deciles only, lowest values first); with `predicted`,
 * also the mean of those (a calibration table when `values` are the predictions themselves).
 */
export function churnByDecile(values: readonly number[], churned: readonly boolean[], predicted?: readonly number[]): DecileRow[] {
  const deciles = decilesOf(values);
  const rows = new Map<number, { samples: number; churned: number; from: number; to: number; sum: number }>();
  values.forEach((v, i) => {
    const d = deciles[i]!;
    const row = rows.get(d) ?? { samples: 0, churned: 0, from: v, to: v, sum: 0 };
    row.samples++;
    if (churned[i]) row.churned++;
    row.from = Math.min(row.from, v);
    row.to = Math.max(row.to, v);
    row.sum += predicted ? predicted[i]! : 0;
    rows.set(d, row);
  });
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([decile, r]) => ({
      decile,
      samples: r.samples,
      churned: r.churned,
      from: r.from,
      to: r.to,
      predicted: predicted ? round(r.sum / r.samples)! : null,
      observed: round(r.churned / r.samples)!,
    }));
}

/** The mean squared difference of the predicted probability and the outcome (0 or 1). */
export function brierScore(predicted: readonly number[], churned: readonly boolean[]): number | null {
  if (!predicted.length) return null;
  let sum = 0;
  predicted.forEach((p, i) => (sum += (p - (churned[i] ? 1 : 0)) ** 2));
  return sum / predicted.length;
}

/** The AUC of a risk: the chance that a churned sample got a higher risk than a retained one (ties half). */
export function riskAuc(predicted: readonly number[], churned: readonly boolean[]): number | null {
  // stats.auc reads "retained higher": a risk is the other way round.
  return auc(
    predicted.filter((_, i) => churned[i]),
    predicted.filter((_, i) => !churned[i]),
  );
}

/** Platt scaling: churn ~ a x logit + b, fitted by logistic regression on the logits. */
export function fitPlatt(logits: readonly number[], churned: readonly boolean[]): { a: number; b: number } {
  const fit = fitLogistic(logits.map((eta, i) => ({ x: [eta], y: churned[i]! })), 1, { ridge: 1e-6 });
  return { a: fit.coefficients[0]!, b: fit.intercept };
}

/** The fitted log-odds of churn before calibration (a missing value counts as the training mean). */
export function riskLogit(model: Pick<RiskModel, 'coefficients' | 'intercept' | 'means'>, x: readonly (number | null)[]): number {
  let eta = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) eta += model.coefficients[j]! * (x[j] ?? model.means[j]!);
  return eta;
}

function calibrate(calibration: RiskCalibration, eta: number): number {
  return calibration.method === 'platt' ? sigmoid(calibration.a * eta + calibration.b) : sigmoid(eta);
}

/** The calibrated probability of churning within the horizon. */
export function riskProbability(model: RiskModel, x: readonly (number | null)[]): number {
  return calibrate(model.calibration, riskLogit(model, x));
}

export interface RiskFitResult {
  model: RiskModel;
  heldOut: HeldOutMetrics;
}

function metricsOf(predicted: readonly number[], churned: readonly boolean[]) {
  return { brier: round(brierScore(predicted, churned)), deciles: churnByDecile(predicted, churned, predicted) };
}

/** The calibration step is kept only when it lowers the held-out Brier score by at least this share (not by noise). */
export const MIN_BRIER_GAIN = 0.01;

/**
 * Fits the risk on `train` and judges it on `heldOut` (later dates the fit never saw). The
 * calibration step: Platt scaling fitted on one half of the held-out accounts is tried on the
 * other half and the other way round; when these cross-fitted probabilities have a lower Brier
 * score than the fit's own (by MIN_BRIER_GAIN), Platt scaling (refitted on the whole held-out part) is kept, and the
 * held-out figures are those cross-fitted probabilities, never ones a calibration was fitted on.
 */
export function fitRisk(features: RiskFeature[], train: readonly RiskSample[], heldOut: readonly RiskSample[], options: { ridge?: number } = {}): RiskFitResult {
  const fit = fitLogistic(
    train.map((s): LogisticSample => ({ x: s.x, y: s.churned })),
    features.length,
    { ridge: options.ridge ?? 1e-2 },
  );
  const base: RiskModel = { features, coefficients: fit.coefficients, intercept: fit.intercept, means: fit.means, calibration: { method: 'none' } };
  const churned = heldOut.map((s) => s.churned);
  const logits = heldOut.map((s) => riskLogit(base, s.x));
  const raw = logits.map((eta) => sigmoid(eta));
  const rawMetrics = metricsOf(raw, churned);
  const summary = { samples: heldOut.length, churned: churned.filter(Boolean).length, auc: round(riskAuc(raw, churned)) };

  const folds = heldOut.map((s) => s.account % 2);
  const crossFitted = crossFittedPlatt(logits, churned, folds);
  if (crossFitted) {
    const calibrated = metricsOf(crossFitted, churned);
    if (calibrated.brier !== null && rawMetrics.brier !== null && calibrated.brier < rawMetrics.brier * (1 - MIN_BRIER_GAIN)) {
      const platt = fitPlatt(logits, churned);
      return {
        model: { ...base, calibration: { method: 'platt', ...platt } },
        heldOut: { ...summary, auc: round(riskAuc(crossFitted, churned)), ...calibrated, before: rawMetrics },
      };
    }
  }
  return { model: base, heldOut: { ...summary, ...rawMetrics, before: null } };
}

/** Each held-out sample's probability under Platt scaling fitted on the other fold; null when a fold lacks either class. */
function crossFittedPlatt(logits: readonly number[], churned: readonly boolean[], folds: readonly number[]): number[] | null {
  const out = new Array<number>(logits.length);
  for (const fold of [0, 1]) {
    const fitOn = logits.map((_, i) => i).filter((i) => folds[i] !== fold);
    const positives = fitOn.filter((i) => churned[i]).length;
    if (positives === 0 || positives === fitOn.length) return null;
    const platt = fitPlatt(fitOn.map((i) => logits[i]!), fitOn.map((i) => churned[i]!));
    logits.forEach((eta, i) => {
      if (folds[i] === fold) out[i] = sigmoid(platt.a * eta + platt.b);
    });
  }
  return out;
}

export interface RiskReason {
  key: string;
  label: string;
  value: number;
  typical: number;
  /** log-odds of churn this feature adds against a typical account (after calibration) */
  effect: number;
  direction: 'raises' | 'lowers';
  text: string;
}

const formatValue = (kind: RiskFeature['kind'], v: number) => {
  if (kind === 'change') {
    const r = Math.round(v * 10) / 10;
    return `${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r)}`;
  }
  return String(Math.round(v));
};

/** Effects smaller than this (log-odds) are not reasons: the value is about typical. */
const MIN_EFFECT = 0.05;

/**
 * The features that move this account's risk most against a typical account (one at the
 * training means), strongest first, in words: "Engagement 12 (typical 54) raises the risk most".
 */
export function riskReasons(model: RiskModel, x: readonly (number | null)[], limit = 3): RiskReason[] {
  const slope = model.calibration.method === 'platt' ? model.calibration.a : 1;
  const reasons = model.features
    .map((f, j) => {
      const value = x[j];
      if (value === null || value === undefined) return null;
      const typical = model.means[j]!;
      const effect = slope * model.coefficients[j]! * (value - typical);
      return { f, value, typical, effect };
    })
    .filter((r): r is NonNullable<typeof r> => r !== null && Math.abs(r.effect) >= MIN_EFFECT)
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.f.key.localeCompare(b.f.key))
    .slice(0, limit);
  return reasons.map(({ f, value, typical, effect }, i) => {
    const direction = effect > 0 ? 'raises' : 'lowers';
    return {
      key: f.key,
      label: f.label,
      value: Math.round(value * 10) / 10,
      typical: Math.round(typical * 10) / 10,
      effect: round(effect)!,
      direction,
      text: `${f.label} ${formatValue(f.kind, value)} (typical ${formatValue(f.kind, typical)}) ${direction} the risk${i === 0 ? ' most' : ''}`,
    };
  });
}
