import { describe, expect, it } from 'vitest';
import { metricCohort } from './metric-cohort';

describe('metricCohort', () => {
  it('gives the churn rate per decile of the value, and the AUC of the value alone', () => {
    // value i: the lower the value, the likelier the churn (every third below 30 churns, none above)
    const samples = Array.from({ length: 100 }, (_, i) => ({ value: i, churned: i < 30 && i % 3 === 0 }));
    const m = metricCohort(samples);
    expect(m.deciles).toHaveLength(10);
    expect(m.deciles[0]).toMatchObject({ decile: 1, samples: 10, churned: 4, from: 0, to: 9, observed: 0.4 });
    expect(m.deciles.slice(3).every((d) => d.churned === 0)).toBe(true);
    expect(m.auc!).toBeGreaterThan(0.8);
    expect(m.direction).toBe('higher_stays');
    expect(m.fewValues).toBe(false);
  });

  it('keeps ties together, says when there are fewer distinct values than deciles, and leaves out accounts without a value', () => {
    const samples = [
      ...Array.from({ length: 60 }, (_, i) => ({ value: 0, churned: i < 30 })),
      ...Array.from({ length: 40 }, (_, i) => ({ value: 1 + (i % 3), churned: false })),
      { value: null, churned: true },
    ];
    const m = metricCohort(samples);
    expect(m.accounts).toBe(101);
    expect(m.noValue).toBe(1);
    expect(m.churned).toBe(31);
    expect(m.distinctValues).toBe(4);
    expect(m.fewValues).toBe(true);
    expect(m.deciles[0]).toMatchObject({ samples: 60, churned: 30, from: 0, to: 0 });
    expect(m.deciles.reduce((a, d) => a + d.samples, 0)).toBe(100);
  });

  it('reads a signal whose higher values go with churn, and one too weak to tell', () => {
    const backwards = metricCohort(Array.from({ length: 200 }, (_, i) => ({ value: i, churned: i >= 150 })));
    expect(backwards.direction).toBe('higher_churns');
    expect(backwards.auc!).toBeLessThan(0.1);
    expect(metricCohort([{ value: 1, churned: true }, { value: 2, churned: false }]).direction).toBe('unclear');
  });
});
