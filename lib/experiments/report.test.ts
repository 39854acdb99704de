import { describe, expect, it } from 'vitest';
import { buildReport, powerFor, type ArmData } from './report';

const arm = (key: string, over: Partial<ArmData>): ArmData => ({ key, label: key, accounts: 0, scoreChanges: [], churned: 0, expanded: 0, npsAnswers: [], minutes: [], ...over });

describe('buildReport', () => {
  const arms = [
    arm('monthly', { accounts: 4, scoreChanges: [1, 2, 3, 2], churned: 2, expanded: 0, npsAnswers: [10, 3], minutes: [30, 30, 60, 0] }),
    arm('weekly', { accounts: 4, scoreChanges: [5, 6, 7, 6], churned: 1, expanded: 1, npsAnswers: [9, 9, 8], minutes: [120, 120, 120, 120] }),
  ];
  const report = buildReport(arms);

  it('gives each metric with its n, and points per CSM hour', () => {
    expect(report.arms[0]!.metrics.scoreChange).toMatchObject({ value: 2, n: 4 });
    expect(report.arms[0]!.metrics.churnRate).toEqual({ value: 0.5, n: 4 });
    expect(report.arms[1]!.metrics.nps).toMatchObject({ value: (200 / 3), n: 3 });
    expect(report.arms[0]!.metrics.csmMinutes).toMatchObject({ value: 30, n: 4 });
    // 2 points in half an hour; 6 points in two hours
    expect(report.arms[0]!.pointsPerHour).toBe(4);
    expect(report.arms[1]!.pointsPerHour).toBe(3);
  });

  it('compares every later arm with the first on every metric, naming the method', () => {
    expect(report.comparisons.map((c) => `${c.arm}-${c.baseline}:${c.metric}:${c.method}`)).toEqual([
      'weekly-monthly:scoreChange:welch-t',
      'weekly-monthly:churnRate:two-proportion-z-wald',
      'weekly-monthly:expansionRate:two-proportion-z-wald',
      'weekly-monthly:nps:welch-t-on-nps-points',
      'weekly-monthly:csmMinutes:welch-t',
    ]);
    expect(report.comparisons[0]!.difference).toBe(4);
    expect(report.comparisons[1]!.difference).toBe(-0.25);
  });

  it('no time logged: no points per hour', () => {
    expect(buildReport([arm('a', { accounts: 2, scoreChanges: [1, 2], minutes: [0, 0] })]).arms[0]!.pointsPerHour).toBeNull();
  });
});

describe('powerFor', () => {
  it('rates: from the baseline rate, in points; how many more per arm', () => {
    const report = buildReport([arm('a', { accounts: 100, churned: 20 }), arm('b', { accounts: 120, churned: 15 })]);
    expect(powerFor(report, 'churnRate', 5)).toEqual({ needed: 903, have: 100, more: 803 });
  });

  it('means: from the largest spread of the arms', () => {
    const report = buildReport([arm('a', { accounts: 3, scoreChanges: [0, 10, 20] }), arm('b', { accounts: 3, scoreChanges: [5, 10, 15] })]);
    // sd 10: 63 per arm for 5 points
    expect(powerFor(report, 'scoreChange', 5)).toEqual({ needed: 63, have: 3, more: 60 });
  });
});
