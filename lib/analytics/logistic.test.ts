import { describe, expect, it } from 'vitest';
import { Rng } from '@/db/seed/random';
import { fitLogistic, fitLogisticStepwise, predictLogistic, solveLinear } from './logistic';

describe('fitLogistic', () => {
  it('recovers the coefficients of data drawn from a known logistic model', () => {
    // x1 uniform in [-2, 2], x2 in [-1, 1], y drawn from the model's probability (seeded).
    const samples = [];
    const rng = new Rng(7);
    const rand = () => rng.next();
    for (let i = 0; i < 50000; i++) {
      const x1 = rand() * 4 - 2;
      const x2 = rand() * 2 - 1;
      const p = 1 / (1 + Math.exp(-(0.5 + 1.5 * x1 - 2 * x2)));
      samples.push({ x: [x1, x2], y: rand() < p });
    }
    const fit = fitLogistic(samples, 2, { ridge: 0 });
    expect(fit.intercept).toBeCloseTo(0.5, 1);
    expect(fit.coefficients[0]).toBeCloseTo(1.5, 1);
    expect(fit.coefficients[1]).toBeCloseTo(-2, 1);
    expect(predictLogistic(fit, [0, 0])).toBeCloseTo(1 / (1 + Math.exp(-fit.intercept)), 10);
  });

  it('fits the same step by step, handing back control after each iteration', async () => {
    const rng = new Rng(3);
    const samples = Array.from({ length: 2000 }, () => {
      const x = [rng.next() * 2 - 1, rng.next() < 0.2 ? null : rng.next()];
      return { x, y: rng.next() < 1 / (1 + Math.exp(-(2 * x[0]! - 1))) };
    });
    let handedBack = 0;
    const stepwise = await fitLogisticStepwise(samples, 2, { ridge: 1e-2, between: async () => void handedBack++ });
    expect(stepwise).toEqual(fitLogistic(samples, 2, { ridge: 1e-2 }));
    // One hand-back per iteration that did not converge yet.
    expect(handedBack).toBe(stepwise.iterations);
    expect(handedBack).toBeGreaterThan(1);
  });

  it('stays finite on separable data and fills missing values with the mean', () => {
    const samples = [
      { x: [0], y: false },
      { x: [1], y: false },
      { x: [2], y: true },
      { x: [3], y: true },
      { x: [null], y: true },
    ];
    const fit = fitLogistic(samples, 1);
    expect(Number.isFinite(fit.coefficients[0])).toBe(true);
    expect(fit.coefficients[0]).toBeGreaterThan(0);
    expect(fit.means[0]).toBe(1.5);
    expect(predictLogistic(fit, [null])).toBeCloseTo(predictLogistic(fit, [1.5]), 12);
  });

  it('gives the base rate when there is nothing to learn', () => {
    expect(fitLogistic([{ x: [1], y: false }], 1).positives).toBe(0);
    expect(predictLogistic(fitLogistic([{ x: [1], y: false }], 1), [1])).toBeLessThan(1e-6);
  });
});

describe('solveLinear', () => {
  it('solves a small system', () => {
    const x = solveLinear([[2, 1], [1, 3]], [3, 5]);
    expect(x[0]).toBeCloseTo(0.8, 12);
    expect(x[1]).toBeCloseTo(1.4, 12);
  });
});
