/**
 * The statistics of an experiment's report, pure: differences of means (Welch's t) and of
 * proportions (a two-proportion z with the unpooled Wald interval), NPS from answers, and the
 * sample size a difference needs at a given power. Quantiles and distribution functions of the
 * t and normal distributions come from stdlib.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** The confidence level of every interval in a report, and the error rate it implies. */
export const CONFIDENCE = 0.95;
export const ALPHA = 1 - CONFIDENCE;
export const POWER = 0.8;

export interface Comparison {
  /** treatment minus baseline */
  difference: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  /** true only when the interval leaves out 0 */
  significant: boolean;
}

const NONE: Comparison = { difference: null, ci: null, pValue: null, significant: false };

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** The sample variance (n − 1 in the denominator). */
export function variance(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (xs.length - 1);
}

function verdict(difference: number, lo: number, hi: number, pValue: number): Comparison {
  return { difference, ci: [lo, hi], pValue, significant: lo > 0 || hi < 0 };
}

/** A difference with no spread at all (every value alike in both groups): exact, or no difference. */
function degenerate(difference: number): Comparison {
  return verdict(difference, difference, difference, difference === 0 ? 1 : 0);
}

/**
 * Welch's t for the difference of two means (`b` − `a`), not assuming equal variances: the
 * interval is difference ± t(0.975, df) × SE with the Welch–Satterthwaite degrees of freedom.
 * Needs at least two values in each group.
 */
export function welch(a: readonly number[], b: readonly number[]): Comparison {
  if (a.length < 2 || b.length < 2) return NONE;
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const difference = mean(b) - mean(a);
  const se = Math.sqrt(va + vb);
  if (se === 0) return degenerate(difference);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = difference / se;
  const q = tQuantile(1 - ALPHA / 2, df);
  return verdict(difference, difference - q * se, difference + q * se, 2 * (1 - tCdf(Math.abs(t), df)));
}

/**
 * Two proportions (`xb/nb` − `xa/na`): z with the unpooled standard error, and the Wald interval
 * difference ± 1.96 × SE, so the p-value is under 0.05 exactly when the interval leaves out 0.
 */
export function twoProportions(xa: number, na: number, xb: number, nb: number): Comparison {
  if (na < 1 || nb < 1) return NONE;
  const pa = xa / na;
  const pb = xb / nb;
  const difference = pb - pa;
  const se = Math.sqrt((pa * (1 - pa)) / na + (pb * (1 - pb)) / nb);
  if (se === 0) return degenerate(difference);
  const z = normalQuantile(1 - ALPHA / 2, 0, 1);
  return verdict(difference, difference - z * se, difference + z * se, 2 * (1 - normalCdf(Math.abs(difference / se), 0, 1)));
}

/** An NPS answer as its share of the score: a promoter (9–10) +100, a detractor (0–6) −100, a passive 0. */
export function npsPoints(answer: number): number {
  return answer >= 9 ? 100 : answer <= 6 ? -100 : 0;
}

/** Net Promoter Score of answers 0–10: % promoters − % detractors (null without answers). */
export function nps(answers: readonly number[]): number | null {
  return answers.length ? mean(answers.map(npsPoints)) : null;
}

/** Two NPS: Welch's t on each answer's points (+100, 0, −100), whose mean is the NPS. */
export function npsDifference(a: readonly number[], b: readonly number[]): Comparison {
  return welch(a.map(npsPoints), b.map(npsPoints));
}

const zFor = (p: number) => normalQuantile(p, 0, 1);

/**
 * Accounts per arm needed to see a difference of means `effect` with two arms of these standard
 * deviations, at the report's confidence and `power`: (z(1−α/2) + z(power))² (σa² + σb²) / effect².
 */
export function accountsForMeans(sdA: number, sdB: number, effect: number, power = POWER): number | null {
  if (!(effect > 0) || !Number.isFinite(sdA) || !Number.isFinite(sdB)) return null;
  const z = zFor(1 - ALPHA / 2) + zFor(power);
  return Math.max(2, Math.ceil((z ** 2 * (sdA ** 2 + sdB ** 2)) / effect ** 2));
}

/**
 * Accounts per arm needed to see a rate move by `effect` (a share, 0.05 for five points) from the
 * baseline's rate `p`, towards 0 when it can (a reduction), else up: (z + z)² (pa·qa + pb·qb) / effect².
 */
export function accountsForRates(p: number, effect: number, power = POWER): number | null {
  if (!(effect > 0) || effect >= 1 || !(p >= 0 && p <= 1)) return null;
  const pa = p;
  const pb = p >= effect ? p - effect : p + effect;
  if (pb > 1) return null;
  const z = zFor(1 - ALPHA / 2) + zFor(power);
  const spread = pa * (1 - pa) + pb * (1 - pb);
  return Math.max(2, Math.ceil((z ** 2 * spread) / effect ** 2));
}
