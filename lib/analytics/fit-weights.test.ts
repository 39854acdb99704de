import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@/lib/testing/random';
import { fitWeights, toWholeWeights, type FitSample } from './fit-weights';

/** Churn drawn from a known logistic model: log-odds = 3 - k * sum(w_j x_j) / 100. */
function synthetic(weights: number[], n: number, seed: number, strength = 0.08): FitSample[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const x = weights.map(() => rnd() * 100);
    const health = x.reduce((a, v, j) => a + (weights[j]! * v) / 100, 0);
    const p = 1 / (1 + Math.exp(-(3 - strength * health)));
    return { x, churned: rnd() < p };
  });
}

describe('fitWeights', () => {
  it('recovers known weights from synthetic churn', () => {
    const known = [30, 35, 20, 15];
    const fit = fitWeights(synthetic(known, 20_000, 7), 4);
    expect(fit.weights.reduce((a, b) => a + b, 0)).toBe(100);
    fit.weights.forEach((w, j) => expect(Math.abs(w - known[j]!)).toBeLessThanOrEqual(3));
    // log-odds per point: -strength * w / 100
    expect(fit.coefficients[1]).toBeCloseTo(-0.08 * 0.35, 2);
    expect(fit.intercept).toBeCloseTo(3, 0);
  });

  it('gives no weight to a dimension that does not protect against churn', () => {
    const fit = fitWeights(synthetic([60, 40, 0], 20_000, 11), 3);
    expect(fit.weights[2]).toBeLessThanOrEqual(2);
    expect(Math.abs(fit.weights[0]! - 60)).toBeLessThanOrEqual(4);
  });

  it('fills a missing dimension score with the mean of its dimension', () => {
    const samples = synthetic([50, 50], 10_000, 3).map((s, i) => (i % 5 === 0 ? { ...s, x: [s.x[0]!, null] } : s));
    const fit = fitWeights(samples, 2);
    expect(Math.abs(fit.weights[0]! - 50)).toBeLessThanOrEqual(6);
  });

  it('answers equal weights when there is nothing to learn from', () => {
    expect(fitWeights([], 3).weights).toEqual([34, 33, 33]);
    expect(fitWeights([{ x: [1, 2], churned: false }], 2).weights).toEqual([50, 50]);
  });

  it('converges on separable data thanks to the ridge penalty', () => {
    const samples: FitSample[] = Array.from({ length: 200 }, (_, i) => ({ x: [i / 2, 50], churned: i < 100 }));
    const fit = fitWeights(samples, 2);
    expect(fit.weights).toEqual([100, 0]);
    expect(fit.coefficients.every(Number.isFinite)).toBe(true);
  });
});

describe('toWholeWeights', () => {
  it('rounds to integers summing to the total by largest remainder', () => {
    expect(toWholeWeights([1, 1, 1])).toEqual([34, 33, 33]);
    expect(toWholeWeights([0.2, 0.3, -1])).toEqual([40, 60, 0]);
  });
});
