/** Hand-computed values for the validation statistics. */
import { describe, expect, it } from 'vitest';
import { auc, aucInterval, correlationSignificant, pointBiserial, proportionsDiffer } from './stats';
import { quartilesOf } from './quartiles';

describe('auc', () => {
  it('is P(retained > churned) with ties counted one half', () => {
    // pairs (3,1) 1, (3,5) 0, (5,1) 1, (5,5) ½, (7,1) 1, (7,5) 1 -> 4.5 / 6
    expect(auc([3, 5, 7], [1, 5])).toBe(0.75);
    expect(auc([5, 3, 7], [5, 1])).toBe(0.75);
  });

  it('is one half when every score ties, 1 and 0 at the extremes', () => {
    expect(auc([2, 2], [2])).toBe(0.5);
    expect(auc([10, 20], [1, 2])).toBe(1);
    expect(auc([1, 2], [10, 20])).toBe(0);
  });

  it('does not exist without both classes', () => {
    expect(auc([], [1, 2])).toBeNull();
    expect(auc([1], [])).toBeNull();
  });
});

describe('aucInterval', () => {
  it('follows Hanley and McNeil, clamped to [0, 1]', () => {
    // A 0.75, 3 retained, 2 churned: Q1 0.6, Q2 0.642857, variance 0.342857 / 6, SE 0.239046
    const [lo, hi] = aucInterval(0.75, 3, 2)!;
    expect(lo).toBeCloseTo(0.75 - 1.959964 * 0.239046, 4);
    expect(hi).toBe(1);
  });

  it('narrows with more accounts', () => {
    const small = aucInterval(0.7, 20, 5)!;
    const large = aucInterval(0.7, 2000, 500)!;
    expect(large[1] - large[0]).toBeLessThan(small[1] - small[0]);
    expect(large[0]).toBeGreaterThan(0.5);
    expect(small[0]).toBeLessThan(0.5);
    expect(aucInterval(null, 3, 2)).toBeNull();
  });
});

describe('pointBiserial', () => {
  it('is Pearson r of the score and retained (1) / churned (0)', () => {
    // M1 3.5, M0 1.5, population SD sqrt(1.25), p = q = ½ -> 2 / 1.118034 x 0.5
    expect(pointBiserial([1, 2, 3, 4], [false, false, true, true])).toBeCloseTo(0.894427, 6);
    expect(pointBiserial([1, 2, 3, 4], [true, true, false, false])).toBeCloseTo(-0.894427, 6);
  });

  it('does not exist with one class or no spread in the scores', () => {
    expect(pointBiserial([1, 2], [true, true])).toBeNull();
    expect(pointBiserial([5, 5, 5], [true, false, true])).toBeNull();
    expect(pointBiserial([], [])).toBeNull();
  });

  it('is significant only with enough pairs', () => {
    expect(correlationSignificant(0.3, 10)).toBe(false);
    expect(correlationSignificant(0.3, 100)).toBe(true);
    expect(correlationSignificant(null, 100)).toBe(false);
  });
});

describe('proportionsDiffer', () => {
  it('is the pooled two-proportion z-test at 5%', () => {
    // 31/100 vs 10/100: pooled 0.205, SE 0.05709, z 3.68
    expect(proportionsDiffer(31, 100, 10, 100)).toBe(true);
    // 2/2 vs 1/2: z 1.15
    expect(proportionsDiffer(2, 2, 1, 2)).toBe(false);
    expect(proportionsDiffer(0, 10, 0, 10)).toBe(false);
    expect(proportionsDiffer(1, 0, 0, 10)).toBe(false);
  });
});

describe('quartilesOf', () => {
  it('splits distinct scores into four equal quartiles, bottom first', () => {
    expect(quartilesOf([80, 10, 30, 20, 50, 40, 70, 60])).toEqual([4, 1, 2, 1, 3, 2, 4, 3]);
  });

  it('keeps ties together at the quartile of their midpoint, leaving a quartile empty', () => {
    // sorted 1, 5 x5, 9 x2: 1 -> ceil(0.25) = 1; 5 -> ceil(4 x 3.5 / 8) = 2; 9 -> ceil(4 x 7 / 8) = 4
    expect(quartilesOf([5, 5, 5, 5, 5, 1, 9, 9])).toEqual([2, 2, 2, 2, 2, 1, 4, 4]);
    expect(quartilesOf([3, 3, 3, 3])).toEqual([2, 2, 2, 2]);
  });

  it('handles sizes that are not multiples of four, and nothing', () => {
    expect(quartilesOf([1, 2, 3, 4, 5])).toEqual([1, 2, 2, 3, 4]);
    expect(quartilesOf([])).toEqual([]);
  });
});
