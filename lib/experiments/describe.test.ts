import { describe, expect, it } from 'vitest';
import { comparisonSentence } from './describe';
import type { ComparisonReport } from './report';

const comparison = (difference: number, ci: [number, number], significant: boolean): ComparisonReport => ({
  arm: 'weekly', baseline: 'monthly', metric: 'scoreChange', method: 'welch', difference, ci, pValue: significant ? 0.01 : 0.4, significant,
});

describe('a comparison in a sentence', () => {
  it('names the direction of both ends, or "no difference" for an end at 0', () => {
    expect(comparisonSentence(comparison(1.5, [0.5, 2.5], true), 'Weekly', 'Monthly')).toBe(
      'Weekly: score change 1.5 points higher than Monthly (95% interval: 0.5 to 2.5 points higher). Significant: the interval leaves out no difference.',
    );
    expect(comparisonSentence(comparison(-0.4, [-1.2, 0.4], false), 'Weekly', 'Monthly')).toBe(
      'Weekly: score change 0.4 points lower than Monthly (95% interval: from 1.2 points lower to 0.4 points higher). Not significant yet: the interval still holds no difference at all.',
    );
    expect(comparisonSentence(comparison(0.8, [0, 1.6], false), 'Weekly', 'Monthly')).toContain('(95% interval: from no difference to 1.6 points higher)');
  });

  it('says so when every account is alike (an experiment just started: no score has moved)', () => {
    expect(comparisonSentence(comparison(0, [0, 0], false), 'Weekly', 'Monthly')).toBe(
      'Weekly: score change the same as Monthly (95% interval: no difference at all, every account alike). Not significant yet: the interval still holds no difference at all.',
    );
    expect(comparisonSentence(comparison(2, [2, 2], true), 'Weekly', 'Monthly')).toContain('(95% interval: exactly 2.0 points higher, every account alike)');
  });
});
