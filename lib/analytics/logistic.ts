/**
 * Logistic regression, pure: fitted by Newton's method (IRLS) with a ridge (L2) penalty on every
 * coefficient but the intercept, so that separable or collinear data still converge. Features are
 * standardised for the fit (the penalty treats them alike) and the coefficients brought back to
 * the features' own scale. Missing values (null) take the feature's mean.
 */

export interface LogisticSample {
  x: readonly (number | null)[];
  y: boolean;
}

export interface LogisticFit {
  /** per feature, on the feature's own scale (log-odds per unit) */
  coefficients: number[];
  intercept: number;
  /** the feature means and standard deviations of the training data (what a null stands for) */
  means: number[];
  sds: number[];
  iterations: number;
  samples: number;
  positives: number;
}

export interface LogisticOptions {
  /** penalty per sample on the standardised coefficients (default 1e-3) */
  ridge?: number;
  maxIterations?: number;
}

const TOLERANCE = 1e-8;

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
export function solveLinear(a: number[][], b: number[]): number[] {
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

export function sigmoid(eta: number): number {
  return 1 / (1 + Math.exp(-eta));
}

/** The fitted probability of `y` for one row of features. */
export function predictLogistic(fit: Pick<LogisticFit, 'coefficients' | 'intercept' | 'means'>, x: readonly (number | null)[]): number {
  let eta = fit.intercept;
  for (let j = 0; j < fit.coefficients.length; j++) eta += fit.coefficients[j]! * (x[j] ?? fit.means[j]!);
  return sigmoid(eta);
}

export function fitLogistic(samples: readonly LogisticSample[], features: number, options: LogisticOptions = {}): LogisticFit {
  const steps = newtonSteps(samples, features, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `fitLogistic`, awaiting `between` after each Newton iteration: a long fit in a server lets its
 * event loop run between them. The same fit, step for step.
 */
export async function fitLogisticStepwise(samples: readonly LogisticSample[], features: number, options: LogisticOptions & { between: () => Promise<void> }): Promise<LogisticFit> {
  const steps = newtonSteps(samples, features, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await options.between();
  }
}

/** The fit as steps: yields after each Newton iteration, returns the fit. */
function* newtonSteps(samples: readonly LogisticSample[], features: number, options: LogisticOptions): Generator<number, LogisticFit> {
  const ridge = options.ridge ?? 1e-3;
  const maxIterations = options.maxIterations ?? 50;
  const n = samples.length;
  let positives = 0;
  for (const s of samples) if (s.y) positives++;
  const means: number[] = [];
  const sds: number[] = [];
  for (let j = 0; j < features; j++) {
    let sum = 0;
    let count = 0;
    for (const s of samples) {
      const v = s.x[j];
      if (v !== null && v !== undefined) {
        sum += v;
        count++;
      }
    }
    const mean = count ? sum / count : 0;
    let sq = 0;
    for (const s of samples) {
      const v = s.x[j];
      if (v !== null && v !== undefined) sq += (v - mean) ** 2;
    }
    means.push(mean);
    sds.push(Math.sqrt(count ? sq / count : 0) || 1);
  }
  if (n === 0 || positives === 0 || positives === n) {
    const base = n === 0 ? 0 : positives === 0 ? -20 : 20;
    return { coefficients: new Array(features).fill(0), intercept: base, means, sds, iterations: 0, samples: n, positives };
  }
  const k = features + 1;
  const rows = samples.map((s) => {
    const row = new Float64Array(k);
    row[0] = 1;
    for (let j = 0; j < features; j++) row[j + 1] = ((s.x[j] ?? means[j]!) - means[j]!) / sds[j]!;
    return row;
  });
  let beta = new Array(k).fill(0);
  beta[0] = Math.log(positives / (n - positives));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Array(k).fill(0);
    const hess = Array.from({ length: k }, () => new Array(k).fill(0));
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let eta = 0;
      for (let j = 0; j < k; j++) eta += row[j]! * beta[j]!;
      const p = sigmoid(eta);
      const w = Math.max(p * (1 - p), 1e-10);
      const r = (samples[i]!.y ? 1 : 0) - p;
      for (let a = 0; a < k; a++) {
        const ra = row[a]!;
        if (ra === 0) continue;
        grad[a] += r * ra;
        const h = hess[a]!;
        for (let b = a; b < k; b++) h[b] += w * ra * row[b]!;
      }
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < a; b++) hess[a]![b] = hess[b]![a]!;
      if (a > 0) {
        hess[a]![a] += ridge * n;
        grad[a] -= ridge * n * beta[a]!;
      }
    }
    const step = solveLinear(hess, grad);
    beta = beta.map((v, j) => v + step[j]!);
    if (Math.max(...step.map(Math.abs)) < TOLERANCE) break;
    yield iterations;
  }
  const coefficients = beta.slice(1).map((b, j) => b / sds[j]!);
  const intercept = beta[0]! - coefficients.reduce((a, c, j) => a + c * means[j]!, 0);
  return { coefficients, intercept, means, sds, iterations, samples: n, positives };
}
