import { describe, expect, it } from 'vitest';
import { accountsForMeans, accountsForRates, mean, nps, npsDifference, twoProportions, variance, welch } from './stats';

// Welch's textbook example (Wikipedia, "Welch's t-test", example 2); the expected figures are
// those of a reference implementation (SciPy's ttest_ind with equal_var=False).
const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

describe('welch', () => {
  it('gives the textbook difference, interval and p-value', () => {
    const c = welch(A1, A2);
    expect(c.difference).toBeCloseTo(2.166667, 5);
    expect(c.ci![0]).toBeCloseTo(0.349237, 4);
    expect(c.ci![1]).toBeCloseTo(3.984096, 4);
    expect(c.pValue).toBeCloseTo(0.021378, 5);
    expect(c.significant).toBe(true);
  });

  it('is the same difference the other way round', () => {
    const c = welch(A2, A1);
    expect(c.difference).toBeCloseTo(-2.166667, 5);
    expect(c.ci![1]).toBeCloseTo(-0.349237, 4);
  });

  it('computed by hand: means 2 and 4, variances 1 and 1, three values each', () => {
    // SE = sqrt(1/3 + 1/3) = 0.8165, df = 4, t(0.975, 4) = 2.776445
    const c = welch([1, 2, 3], [3, 4, 5]);
    expect(c.difference).toBe(2);
    expect(c.ci![0]).toBeCloseTo(2 - 2.776445 * Math.sqrt(2 / 3), 5);
    expect(c.ci![1]).toBeCloseTo(2 + 2.776445 * Math.sqrt(2 / 3), 5);
    expect(c.significant).toBe(false);
  });

  it('says nothing with fewer than two values in a group', () => {
    expect(welch([1], [1, 2, 3])).toEqual({ difference: null, ci: null, pValue: null, significant: false });
  });

  it('with no spread at all: no difference is p = 1, a difference is exact', () => {
    expect(welch([3, 3], [3, 3])).toEqual({ difference: 0, ci: [0, 0], pValue: 1, significant: false });
    expect(welch([3, 3], [5, 5])).toMatchObject({ difference: 2, ci: [2, 2], significant: true });
  });
});

describe('twoProportions', () => {
  it('unpooled Wald: 20% against 10% of 200 each', () => {
    const c = twoProportions(40, 200, 20, 200);
    expect(c.difference).toBeCloseTo(-0.1, 10);
    expect(c.ci![0]).toBeCloseTo(-0.169295, 5);
    expect(c.ci![1]).toBeCloseTo(-0.030705, 5);
    expect(c.pValue).toBeCloseTo(0.004678, 5);
    expect(c.significant).toBe(true);
  });

  it('holds 0 for a small difference and is not significant', () => {
    const c = twoProportions(10, 50, 8, 50);
    expect(c.ci![0]).toBeLessThan(0);
    expect(c.ci![1]).toBeGreaterThan(0);
    expect(c.pValue).toBeGreaterThan(0.05);
    expect(c.significant).toBe(false);
  });

  it('no churn in either arm is no difference', () => {
    expect(twoProportions(0, 30, 0, 30)).toEqual({ difference: 0, ci: [0, 0], pValue: 1, significant: false });
  });
});

describe('NPS', () => {
  it('is % promoters minus % detractors', () => {
    // 2 promoters, 1 passive, 1 detractor of 4: 50% − 25%
    expect(nps([10, 9, 7, 3])).toBe(25);
    expect(nps([])).toBeNull();
  });

  it('compares two arms on the points of each answer', () => {
    const c = npsDifference([10, 9, 7, 3, 0, 8], [10, 10, 9, 9, 8, 6]);
    expect(c.difference).toBeCloseTo(nps([10, 10, 9, 9, 8, 6])! - nps([10, 9, 7, 3, 0, 8])!, 10);
  });
});

describe('sample size at 80% power', () => {
  it('means: σ = 10 in both arms, a 5-point difference needs 63 per arm (textbook: d = 0.5)', () => {
    expect(accountsForMeans(10, 10, 5)).toBe(63);
  });

  it('rates: churn from 20% to 15% needs 903 per arm', () => {
    expect(accountsForRates(0.2, 0.05)).toBe(903);
  });

  it('a rate under the effect is moved up instead', () => {
    expect(accountsForRates(0.02, 0.05)).toBe(accountsForRates(0.07, 0.05));
  });

  it('no effect size, no answer', () => {
    expect(accountsForMeans(10, 10, 0)).toBeNull();
    expect(accountsForRates(0.2, 0)).toBeNull();
  });
});

describe('mean and variance', () => {
  it('sample variance', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4])).toBeCloseTo(1.666667, 5);
  });
});
