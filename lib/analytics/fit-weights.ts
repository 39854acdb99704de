/**
 * Suggested dimension weights, pure: a logistic regression of churn within the horizon on the
 * dimension scores (0..100 each), fitted by Newton's method (IRLS) with a small ridge penalty so
 * that separable or collinear data still converge. A dimension that protects against churn has a
 * negative coefficient; its weight is proportional to that protection, because the health score
 * is a weighted sum of the same 0..100 dimension scores. Dimensions whose coefficient is positive
 * (more of it, more churn) get no weight: a score cannot reward them without predicting backwards.
 */

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

const RIDGE = 1e-3;
const MAX_ITERATIONS = 50;
const TOLERANCE = 1e-8;

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
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
  const n = samples.length;
  const churned = samples.filter((s) => s.churned).length;
  if (n === 0 || churned === 0 || churned === n) {
    return { coefficients: new Array(dimensions).fill(0), intercept: 0, weights: toWholeWeights(new Array(dimensions).fill(0)), iterations: 0, samples: n, churned };
  }
  const means: number[] = [];
  const sds: number[] = [];
  for (let j = 0; j < dimensions; j++) {
    const values = samples.flatMap((s) => (s.x[j] === null || s.x[j] === undefined ? [] : [s.x[j]!]));
    const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
    const variance = values.length ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length : 0;
    means.push(mean);
    sds.push(Math.sqrt(variance) || 1);
  }
  // Design rows: [1, z_1 .. z_d]
  const rows = samples.map((s) => [1, ...Array.from({ length: dimensions }, (_, j) => ((s.x[j] ?? means[j]!) - means[j]!) / sds[j]!)]);
  const y = samples.map((s) => (s.churned ? 1 : 0));
  const k = dimensions + 1;
  let beta = new Array(k).fill(0);
  beta[0] = Math.log(churned / (n - churned));
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const grad = new Array(k).fill(0);
    const hess = Array.from({ length: k }, () => new Array(k).fill(0));
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let eta = 0;
      for (let j = 0; j < k; j++) eta += row[j]! * beta[j]!;
      const p = 1 / (1 + Math.exp(-eta));
      const w = Math.max(p * (1 - p), 1e-10);
      for (let a = 0; a < k; a++) {
        grad[a] += (y[i]! - p) * row[a]!;
        for (let b = a; b < k; b++) hess[a]![b] += w * row[a]! * row[b]!;
      }
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < a; b++) hess[a]![b] = hess[b]![a]!;
      // The intercept is not penalised.
      if (a > 0) {
        hess[a]![a] += RIDGE * n;
        grad[a] -= RIDGE * n * beta[a]!;
      }
    }
    const step = solve(hess, grad);
    beta = beta.map((v, j) => v + step[j]!);
    if (Math.max(...step.map(Math.abs)) < TOLERANCE) break;
  }
  const coefficients = beta.slice(1).map((b, j) => b / sds[j]!);
  const intercept = beta[0]! - coefficients.reduce((a, c, j) => a + c * means[j]!, 0);
  return { coefficients, intercept, weights: toWholeWeights(coefficients.map((c) => -c)), iterations, samples: n, churned };
}
