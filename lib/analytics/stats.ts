/**
 * The statistics of score validation (SCORING.md §5), pure: AUC with ties, its confidence
 * interval, point-biserial correlation and a two-proportion test. Every function answers null
 * where the figure does not exist (an empty class, no variance) rather than NaN.
 */

/** z of a two-sided 95% interval */
export const Z95 = 1.959964;

/**
 * P(a retained account's score > a churned account's score), ties counted one half: the
 * Mann-Whitney U of the retained scores over (retained x churned), from midranks in O(n log n).
 */
export function auc(retained: readonly number[], churned: readonly number[]): number | null {
  const nR = retained.length;
  const nC = churned.length;
  if (nR === 0 || nC === 0) return null;
  const all = [...retained.map((v) => ({ v, r: true })), ...churned.map((v) => ({ v, r: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j++;
    // positions i..j-1 (0-based) share the mean of ranks i+1..j
    const midrank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.r) rankSum += midrank;
    i = j;
  }
  return (rankSum - (nR * (nR + 1)) / 2) / (nR * nC);
}

/**
 * The 95% interval of an AUC (Hanley & McNeil 1982), clamped to [0, 1]. It is wide when either
 * class is small: the page calls an AUC significant only when the interval leaves out 0.5.
 */
export function aucInterval(value: number | null, nRetained: number, nChurned: number): [number, number] | null {
  if (value === null || nRetained === 0 || nChurned === 0) return null;
  const a = value;
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (nRetained - 1) * (q1 - a * a) + (nChurned - 1) * (q2 - a * a)) / (nRetained * nChurned);
  const se = Math.sqrt(Math.max(0, variance));
  return [Math.max(0, a - Z95 * se), Math.min(1, a + Z95 * se)];
}

/**
 * Point-biserial correlation of a score and a binary outcome (1 = retained): Pearson's r with
 * a 0/1 variable, (M1 - M0) / s x sqrt(p q) with s the population standard deviation.
 */
export function pointBiserial(scores: readonly number[], retained: readonly boolean[]): number | null {
  const n = scores.length;
  if (n !== retained.length) throw new Error('scores and outcomes differ in length');
  if (n < 2) return null;
  let n1 = 0;
  let sum1 = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += scores[i]!;
    if (retained[i]) {
      n1++;
      sum1 += scores[i]!;
    }
  }
  const n0 = n - n1;
  if (n1 === 0 || n0 === 0) return null;
  const mean = sum / n;
  let ss = 0;
  for (const x of scores) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / n);
  if (sd === 0) return null;
  const m1 = sum1 / n1;
  const m0 = (sum - sum1) / n0;
  return ((m1 - m0) / sd) * Math.sqrt((n1 / n) * (n0 / n));
}

/** Whether a correlation over n pairs differs from 0 at the 5% level (t-test, normal approximation). */
export function correlationSignificant(r: number | null, n: number): boolean {
  if (r === null || n < 3) return false;
  if (Math.abs(r) >= 1) return true;
  return Math.abs(r) * Math.sqrt((n - 2) / (1 - r * r)) > Z95;
}

/** Whether two rates x1/n1 and x2/n2 differ at the 5% level (pooled two-proportion z-test). */
export function proportionsDiffer(x1: number, n1: number, x2: number, n2: number): boolean {
  if (n1 === 0 || n2 === 0) return false;
  const p = (x1 + x2) / (n1 + n2);
  if (p === 0 || p === 1) return false;
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return Math.abs(z) > Z95;
}

/** Rounds to `digits` decimals, keeping null. */
export function round(value: number | null, digits = 4): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
