/** The model's limits: a model too large or with numbers out of range is refused, naming the path; within them every score is finite. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from './default-model';
import { MODEL_LIMITS, validateModel, type Model } from './schema';
import { ago, many, score } from './test-helpers';

const clone = (): Record<string, any> => JSON.parse(JSON.stringify(DEFAULT_MODEL)); // eslint-disable-line @typescript-eslint/no-explicit-any
const errorsOf = (json: unknown) => {
  const r = validateModel(json);
  if (r.ok) throw new Error('expected the model to be refused');
  return r.errors;
};
const M = MODEL_LIMITS.magnitude;

/** A count measure on logins, as the limits allow. */
const count = (key: string, points: number, cap: number) => ({ key, label: key, kind: 'count', event: 'product.login', points, per: 1, cap });
const dimension = (i: number, measures: unknown[], weight: number) => ({ key: `d${i}`, label: `D${i}`, weight, measures });

describe('the limits of a model', () => {
  it('refuses too many dimensions, measures, bands, tiers, attributes, event types and overrides, naming the path', () => {
    const many20 = (n: number) => Array.from({ length: n }, (_, i) => i);
    const dims = clone();
    dims.dimensions = many20(MODEL_LIMITS.dimensions + 1).map((i) => dimension(i, [count(`m${i}`, 1, 10)], 100 / (MODEL_LIMITS.dimensions + 1)));
    expect(errorsOf(dims)).toContainEqual({ path: 'dimensions', message: `at most ${MODEL_LIMITS.dimensions} dimensions` });

    const measures = clone();
    measures.dimensions[1].measures = many20(MODEL_LIMITS.measuresPerDimension + 1).map((i) => count(`x${i}`, 1, 10));
    expect(errorsOf(measures)).toContainEqual({ path: 'dimensions[1].measures', message: `at most ${MODEL_LIMITS.measuresPerDimension} measures per dimension` });

    const bands = clone();
    bands.bands = many20(MODEL_LIMITS.bands + 1).map((i) => ({ key: `b${i}`, label: `B${i}`, min: MODEL_LIMITS.bands - i, action: '' }));
    expect(errorsOf(bands)).toContainEqual({ path: 'bands', message: `at most ${MODEL_LIMITS.bands} bands` });

    const types = clone();
    types.dimensions[0].measures[0].event = many20(MODEL_LIMITS.eventTypes + 1).map((i) => `t${i}`);
    expect(errorsOf(types)).toContainEqual({ path: 'dimensions[0].measures[0].event', message: `at most ${MODEL_LIMITS.eventTypes} event types` });

    const overrides = clone();
    overrides.overrides = many20(MODEL_LIMITS.overrides + 1).map(() => ({ match: { tier: 'core' } }));
    expect(errorsOf(overrides)).toContainEqual({ path: 'overrides', message: `at most ${MODEL_LIMITS.overrides} overrides` });

    const entries = clone();
    entries.overrides = [{ match: { tier: 'core' }, dimensionWeights: Object.fromEntries(many20(MODEL_LIMITS.overrideEntries + 1).map((i) => [`k${i}`, 0])) }];
    expect(errorsOf(entries)).toContainEqual({ path: 'overrides[0].dimensionWeights', message: `at most ${MODEL_LIMITS.overrideEntries} dimension weights` });
  });

  it('refuses points, caps, thresholds and steps out of range, and numbers that are not finite', () => {
    const big = clone();
    big.dimensions[0].measures[0].points = M * 10;
    big.dimensions[0].measures[0].cap = 1e308;
    big.dimensions[0].measures[0].per = 1e12;
    expect(errorsOf(big)).toEqual(expect.arrayContaining([
      { path: 'dimensions[0].measures[0].points', message: `must be at most ${M}` },
      { path: 'dimensions[0].measures[0].cap', message: `must be at most ${M}` },
      { path: 'dimensions[0].measures[0].per', message: `must be at most ${MODEL_LIMITS.perStep}` },
    ]));
    const penalty = clone();
    penalty.dimensions[0].measures[1].points = -1e300;
    expect(errorsOf(penalty)).toContainEqual({ path: 'dimensions[0].measures[1].points', message: `must be at least ${-M}` });
    const override = clone();
    override.overrides = [{ match: { tier: 'core' }, measures: { [DEFAULT_MODEL.dimensions[0]!.measures[0]!.key]: { cap: 2e6 } } }];
    expect(errorsOf(override)).toContainEqual({ path: `overrides[0].measures.${DEFAULT_MODEL.dimensions[0]!.measures[0]!.key}.cap`, message: `must be at most ${M}` });
    // JSON cannot carry Infinity or NaN, but a model built in code can.
    const infinite = clone();
    infinite.dimensions[0].weight = Number.POSITIVE_INFINITY;
    expect(errorsOf(infinite).map((e) => e.path)).toContain('dimensions[0].weight');
    const nan = clone();
    nan.dimensions[0].measures[0].points = Number.NaN;
    expect(errorsOf(nan).map((e) => e.path)).toContain('dimensions[0].measures[0].points');
    const window = clone();
    window.windowDays = 100_000;
    expect(errorsOf(window).map((e) => e.path)).toEqual(['windowDays']);
  });

  it('refuses long properties and keys', () => {
    const m = clone();
    const adoption = m.dimensions.flatMap((d: { measures: { kind: string }[] }) => d.measures).find((x: { kind: string }) => x.kind === 'adoption');
    adoption.property = 'p'.repeat(MODEL_LIMITS.propertyLength + 1);
    m.dimensions[0].key = 'k'.repeat(65);
    expect(errorsOf(m).map((e) => e.path)).toEqual(expect.arrayContaining(['dimensions[0].key', expect.stringMatching(/\.property$/)]));
  });

  it('scores finite numbers with a model at every limit and huge event counts', () => {
    const perDimension = MODEL_LIMITS.measuresPerDimension;
    const json = {
      windowDays: 365,
      dimensions: Array.from({ length: MODEL_LIMITS.dimensions }, (_, i) =>
        dimension(i, Array.from({ length: perDimension }, (_, j) => (j % 2 ? count(`m${i}-${j}`, -M, -M) : count(`m${i}-${j}`, j === 0 ? Number.MIN_VALUE : M, j === 0 ? Number.MIN_VALUE : M))), 100 / MODEL_LIMITS.dimensions)),
      bands: [{ key: 'high', label: 'High', min: 50, action: '' }, { key: 'low', label: 'Low', min: 0, action: '' }],
    };
    const checked = validateModel(json);
    expect(checked.ok).toBe(true);
    const model = (checked as { model: Model }).model;
    for (const events of [many(50, 'product.login', ago(3), { count: 2 ** 40 }), many(2, 'product.login', ago(3)), []]) {
      const r = score(events, { model });
      if (r.score !== null) expect(Number.isFinite(r.score)).toBe(true);
      expect(r.score === null || (r.score >= 0 && r.score <= 100)).toBe(true);
      for (const d of r.dimensions) expect(d.score === null || Number.isFinite(d.score)).toBe(true);
    }
    expect(score(many(50, 'product.login', ago(3), { count: 2 ** 40 }), { model }).score).not.toBeNull();
  });
});
