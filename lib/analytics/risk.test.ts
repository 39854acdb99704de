import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@/lib/testing/random';
import { predictLogistic } from './logistic';
import { brierScore, churnByDecile, decilesOf, fitPlatt, fitRisk, riskProbability, riskReasons, type RiskModel, type RiskSample } from './risk';

describe('decilesOf', () => {
  it('puts a tenth of distinct values in each decile', () => {
    const values = Array.from({ length: 100 }, (_, i) => 99 - i);
    const d = decilesOf(values);
    expect(d[99]).toBe(1); // the value 0
    expect(d[0]).toBe(10); // the value 99
    for (let k = 1; k <= 10; k++) expect(d.filter((x) => x === k)).toHaveLength(10);
  });

  it('keeps tied values together and leaves deciles empty when there are fewer distinct values', () => {
    // 50 zeros, then 50 distinct values: the zeros share one decile (the one of their midpoint).
    const values = [...new Array(50).fill(0), ...Array.from({ length: 50 }, (_, i) => i + 1)];
    const d = decilesOf(values);
    expect(new Set(d.slice(0, 50))).toEqual(new Set([3]));
    expect(new Set(d)).not.toContain(1);
    expect(new Set(d)).not.toContain(2);
    expect(decilesOf([5, 5, 5])).toEqual([5, 5, 5]);
    expect(new Set(decilesOf([1, 2, 1, 2])).size).toBe(2);
  });
});

describe('churnByDecile', () => {
  it('gives the churn rate, range and mean prediction of each non-empty decile, lowest first', () => {
    const values = [0, 0, 0, 0, 10, 10, 20, 30];
    const churned = [true, true, true, false, true, false, false, false];
    const rows = churnByDecile(values, churned, values.map((v) => v / 100));
    expect(rows[0]).toMatchObject({ samples: 4, churned: 3, from: 0, to: 0, observed: 0.75, predicted: 0 });
    expect(rows.map((r) => r.samples).reduce((a, b) => a + b)).toBe(8);
    expect(rows.map((r) => r.decile)).toEqual([...rows.map((r) => r.decile)].sort((a, b) => a - b));
    expect(churnByDecile([1, 2], [true, false])[0]!.predicted).toBeNull();
  });
});

describe('Platt scaling and the Brier score', () => {
  it('recovers the slope and offset of logits that are off by a linear map', () => {
    const rnd = mulberry32(3);
    const logits: number[] = [];
    const churned: boolean[] = [];
    for (let i = 0; i < 20000; i++) {
      const eta = rnd() * 8 - 4;
      logits.push(eta);
      churned.push(rnd() < 1 / (1 + Math.exp(-(0.5 * eta - 1))));
    }
    const { a, b } = fitPlatt(logits, churned);
    expect(a).toBeCloseTo(0.5, 1);
    expect(b).toBeCloseTo(-1, 1);
    expect(brierScore([1, 0], [true, false])).toBe(0);
    expect(brierScore([0.5, 0.5], [true, false])).toBe(0.25);
  });
});

function portfolio(seed: number, n: number, intercept: number, startAccount = 0): RiskSample[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const engagement = rnd() * 100;
    const noise = rnd() * 100;
    const p = 1 / (1 + Math.exp(-(intercept - 0.06 * (engagement - 50))));
    return { x: [engagement, noise], churned: rnd() < p, account: startAccount + i };
  });
}

const FEATURES = [
  { key: 'engagement', label: 'Engagement', kind: 'score' as const },
  { key: 'noise', label: 'Noise', kind: 'score' as const },
];

describe('fitRisk', () => {
  it('judges the fit on the held-out samples and keeps it uncalibrated when it is calibrated already', () => {
    const { model, heldOut } = fitRisk(FEATURES, portfolio(1, 4000, -1), portfolio(2, 2000, -1, 10_000));
    expect(model.coefficients[0]).toBeLessThan(-0.04);
    expect(Math.abs(model.coefficients[1]!)).toBeLessThan(0.01);
    expect(heldOut.auc).toBeGreaterThan(0.75);
    expect(heldOut.samples).toBe(2000);
    // predicted against observed per decile
    for (const d of heldOut.deciles) expect(Math.abs(d.predicted! - d.observed)).toBeLessThan(0.1);
    expect(heldOut.deciles.reduce((a, d) => a + d.samples, 0)).toBe(2000);
    // same as predictLogistic when no calibration is applied
    expect(model.calibration.method).toBe('none');
    expect(riskProbability(model, [30, 50])).toBeCloseTo(predictLogistic(model, [30, 50]), 12);
  });

  it('applies Platt scaling when the later period churns at another rate, and reports cross-fitted figures', () => {
    // Trained where churn is rare, judged where it is common: the raw probabilities are too low.
    const { model, heldOut } = fitRisk(FEATURES, portfolio(1, 4000, -2.5), portfolio(2, 2000, 0.5, 10_000));
    expect(model.calibration.method).toBe('platt');
    expect(heldOut.before).not.toBeNull();
    expect(heldOut.brier!).toBeLessThan(heldOut.before!.brier!);
    const top = heldOut.deciles.at(-1)!;
    expect(Math.abs(top.predicted! - top.observed)).toBeLessThan(0.1);
  });
});

describe('riskReasons', () => {
  const model: RiskModel = {
    features: [
      { key: 'engagement', label: 'Engagement', kind: 'score' },
      { key: 'breadth', label: 'Breadth', kind: 'score' },
      { key: 'change', label: 'Score change', kind: 'change' },
    ],
    coefficients: [-0.05, -0.01, -0.02],
    intercept: -1,
    means: [54, 50, 1],
    calibration: { method: 'none' },
  };

  it('orders the features by how far they move the risk from a typical account, in words', () => {
    const reasons = riskReasons(model, [12, 80, -8]);
    expect(reasons.map((r) => r.key)).toEqual(['engagement', 'breadth', 'change']);
    expect(reasons[0]!.text).toBe('Engagement 12 (typical 54) raises the risk most');
    expect(reasons[1]!.text).toBe('Breadth 80 (typical 50) lowers the risk');
    expect(reasons[2]!.text).toBe('Score change −8 (typical +1) raises the risk');
    expect(reasons[0]!.effect).toBeCloseTo(2.1, 6);
  });

  it('leaves out missing values and values about typical', () => {
    expect(riskReasons(model, [null, 51, 1]).map((r) => r.key)).toEqual([]);
    expect(riskReasons(model, [60, null, null], 1).map((r) => r.text)).toEqual(['Engagement 60 (typical 54) lowers the risk most']);
  });

  it('follows a Platt slope', () => {
    const flipped: RiskModel = { ...model, calibration: { method: 'platt', a: -1, b: 0 } };
    expect(riskReasons(flipped, [12, 50, 1])[0]!.direction).toBe('lowers');
  });
});
