/**
 * Suggested dimension weights, pure: a logistic regression of churn within the horizon on the
 * dimension scores (0..100 each), fitted by Newton's method (IRLS) with a small ridge penalty so
 * that separable or collinear data still converge. A dimension that protects against churn has a
 * negative coefficient; its weight is proportional to that protection, because the health score
 * is a weighted sum of the same 0..100 dimension scores. Dimensions whose coefficient is positive
 * (more of it, more churn) get no weight: a score cannot reward them without predicting backwards.
 */
import { fitLogistic } from './logistic';

export interface FitSample {
  /** one value per dimension, in the order of `keys`; null when the dimension had no data */
  x: readonly (number | null)[];
  churned: boolean;
}

export interface FitResult {
  /** the coefficient of each dimension on the 0..100 scale (log-odds of churn per point) */
  coefficients: number[];
  intercept: number;
  /** integer weights summing to 100, in the order of the dimensions */
  weights: number[];
  iterations: number;
  samples: number;
  churned: number;
}

/** Rounds shares to integers that sum to `total` (largest remainder); equal shares when all are 0. */
export function toWholeWeights(shares: readonly number[], total = 100): number[] {
  const sum = shares.reduce((a, b) => a + Math.max(0, b), 0);
  const raw = sum > 0 ? shares.map((s) => (Math.max(0, s) / sum) * total) : shares.map(() => total / shares.length);
  const floors = raw.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, rest: r - Math.floor(r) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  return floors;
}

/**
 * Fits churn ~ dimension scores. Missing values take the mean of their dimension (the engine
 * likewise leaves a dimension without data out rather than counting it as 0). Features are
 * standardised for the fit and the coefficients brought back to the 0..100 scale.
 */
export function fitWeights(samples: readonly FitSample[], dimensions: number): FitResult {
  const fit = fitLogistic(samples.map((s) => ({ x: s.x, y: s.churned })), dimensions);
  if (fit.positives === 0 || fit.positives === fit.samples) {
    return { coefficients: new Array(dimensions).fill(0), intercept: 0, weights: toWholeWeights(new Array(dimensions).fill(0)), iterations: 0, samples: fit.samples, churned: fit.positives };
  }
  return {
    coefficients: fit.coefficients,
    intercept: fit.intercept,
    weights: toWholeWeights(fit.coefficients.map((c) => -c)),
    iterations: fit.iterations,
    samples: fit.samples,
    churned: fit.positives,
  };
}
