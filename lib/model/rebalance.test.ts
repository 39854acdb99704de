import { describe, expect, it } from 'vitest';
import { rebalance } from './rebalance';

const sum = (w: number[]) => w.reduce((a, b) => a + b, 0);

describe('rebalance', () => {
  it('spreads the change over the other weights in proportion', () => {
    expect(rebalance([30, 35, 20, 15], 0, 50)).toEqual([50, 25, 14, 11]);
    expect(sum(rebalance([30, 35, 20, 15], 0, 50))).toBe(100);
  });

  it('keeps the sum at 100 at the extremes and when the others are all 0', () => {
    expect(rebalance([30, 35, 20, 15], 2, 100)).toEqual([0, 0, 100, 0]);
    expect(rebalance([0, 0, 100, 0], 2, 40)).toEqual([20, 20, 40, 20]);
    expect(rebalance([50, 50], 1, 130)).toEqual([0, 100]);
    expect(rebalance([100], 0, 20)).toEqual([100]);
  });

  it('rounds to whole points', () => {
    for (let v = 0; v <= 100; v += 7) expect(sum(rebalance([33, 33, 34], 1, v))).toBe(100);
  });
});
