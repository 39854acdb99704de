/**
 * The report's error rates by simulation (pure): portfolios assigned with the experiments' own
 * stratified assignment, the arms' figures drawn from the same distributions (no effect) or from
 * different ones (an effect), the report built by the same function the server uses.
 */
import { describe, expect, it } from 'vitest';
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';
import { assign } from './assign';
import { buildReport, type ArmData, type MetricKey } from './report';
import { ALPHA } from './stats';

const uniform = (g: RandomGenerator) => unsafeUniformIntDistribution(0, 2 ** 30 - 1, g) / 2 ** 30;
/** A standard normal draw (Box–Muller). */
const normal = (g: RandomGenerator) => Math.sqrt(-2 * Math.log(1 - uniform(g))) * Math.cos(2 * Math.PI * uniform(g));

const TIERS = ['strategic', 'growth', 'core'];

/** One experiment of `n` accounts in two arms: churn rates and mean score changes per arm. */
function simulate(seed: number, n: number, churn: [number, number], scoreShift: [number, number]): ArmData[] {
  const g = xoroshiro128plus(seed);
  const accounts = Array.from({ length: n }, (_, i) => ({ account: i, stratum: `tier=${TIERS[i % 3]}` }));
  const arms: ArmData[] = [0, 1].map((a) => ({ key: a ? 'treatment' : 'baseline', label: '', accounts: 0, scoreChanges: [], churned: 0, expanded: 0, npsAnswers: [], minutes: [] }));
  for (const { arm, stratum } of assign(seed, [1, 1], accounts)) {
    const d = arms[arm]!;
    d.accounts++;
    // Accounts of a tier differ (the strata), arms differ only by the effect.
    const tierShift = stratum === 'tier=strategic' ? 3 : stratum === 'tier=growth' ? 0 : -3;
    d.scoreChanges.push(tierShift + scoreShift[arm]! + 8 * normal(g));
    if (uniform(g) < churn[arm]!) d.churned++;
    if (uniform(g) < 0.1) d.expanded++;
    if (uniform(g) < 0.3) d.npsAnswers.push(unsafeUniformIntDistribution(0, 10, g));
    d.minutes.push(Math.round(60 + 20 * normal(g)));
  }
  return arms;
}

function significantShare(runs: number, metric: MetricKey, make: (seed: number) => ArmData[]): number {
  let hits = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const c = buildReport(make(seed)).comparisons.find((x) => x.metric === metric)!;
    if (c.significant) hits++;
  }
  return hits;
}

describe('with no effect, the report claims one at about the chosen error rate', () => {
  const RUNS = 200;
  // 200 runs at 5%: 10 expected, standard deviation 3.1; within 3 of them: 1 to 19.
  const expected = RUNS * ALPHA;
  const tolerance = 3 * Math.sqrt(RUNS * ALPHA * (1 - ALPHA));
  const noEffect = (seed: number) => simulate(seed, 300, [0.2, 0.2], [0, 0]);

  for (const metric of ['scoreChange', 'churnRate', 'expansionRate', 'nps', 'csmMinutes'] as const) {
    it(`${metric}: significant in about 5% of ${RUNS} experiments`, () => {
      const hits = significantShare(RUNS, metric, noEffect);
      expect(Math.abs(hits - expected)).toBeLessThanOrEqual(tolerance);
    });
  }
});

describe('with an effect, the report sees it and its interval holds the true difference', () => {
  it('half the churn (30% against 15%) and 4 more score points, 600 accounts', () => {
    let seen = 0;
    let covered = 0;
    let scoreCovered = 0;
    const RUNS = 100;
    for (let seed = 1; seed <= RUNS; seed++) {
      const report = buildReport(simulate(seed, 600, [0.3, 0.15], [0, 4]));
      const churn = report.comparisons.find((c) => c.metric === 'churnRate')!;
      const score = report.comparisons.find((c) => c.metric === 'scoreChange')!;
      if (churn.significant && churn.ci![1] < 0) seen++;
      if (churn.ci![0] <= -0.15 && -0.15 <= churn.ci![1]) covered++;
      if (score.ci![0] <= 4 && 4 <= score.ci![1]) scoreCovered++;
    }
    // Power for 15 points with 300 per arm is over 99%; coverage 95% (binomial: at least 88 of 100).
    expect(seen).toBeGreaterThanOrEqual(97);
    expect(covered).toBeGreaterThanOrEqual(88);
    expect(scoreCovered).toBeGreaterThanOrEqual(88);
  });
});
