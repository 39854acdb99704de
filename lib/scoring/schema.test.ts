/** The model schema: strict, with errors an admin can act on. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from './default-model';
import { MODEL_LIMITS, modelSchema, validateModel } from './schema';
import { KINDS_MODEL } from './test-helpers';

const clone = () => JSON.parse(JSON.stringify(DEFAULT_MODEL));
const errorsOf = (json: unknown) => {
  const r = validateModel(json);
  if (r.ok) throw new Error('expected the model to be refused');
  return r.errors;
};

describe('validateModel', () => {
  it('accepts the default model, unchanged by a JSON round trip', () => {
    const r = validateModel(clone());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.model).toEqual(DEFAULT_MODEL);
  });

  it('fills the defaults: per 1, property "feature", no overrides, no targets', () => {
    const m = clone();
    delete m.dimensions[0].measures[0].per;
    delete m.dimensions[3].measures[0].property;
    delete m.overrides;
    delete m.tierTargets;
    const r = modelSchema.parse(m);
    expect(r.dimensions[0].measures[0]).toMatchObject({ per: 1 });
    expect(r.dimensions[3].measures[0]).toMatchObject({ property: 'feature' });
    expect(r.overrides).toEqual([]);
    expect(r.tierTargets).toEqual({});
  });

  it('refuses an unknown field, naming its path', () => {
    const m = clone();
    m.dimensions[1].measures[0].capp = 10;
    expect(errorsOf(m)).toEqual([{ path: 'dimensions[1].measures[0].capp', message: 'unknown field "capp"' }]);
    const top = clone();
    top.windowdays = 30;
    expect(errorsOf(top)[0].path).toBe('windowdays');
  });

  it('refuses weights that do not sum to 100', () => {
    const m = clone();
    m.dimensions[0].weight = 25;
    expect(errorsOf(m)).toEqual([{ path: 'dimensions', message: 'dimension weights must sum to 100 (they sum to 95)' }]);
  });

  it('accepts weights summing to 100 up to binary noise', () => {
    const m = clone();
    m.dimensions[0].weight = 33.3;
    m.dimensions[1].weight = 33.3;
    m.dimensions[2].weight = 33.3;
    m.dimensions[3].weight = 0.1;
    m.overrides = [];
    expect(validateModel(m).ok).toBe(true);
  });

  it('refuses a penalty with a positive cap, and a positive count with a cap <= 0', () => {
    const m = clone();
    m.dimensions[0].measures[1].points = -2;
    expect(errorsOf(m)).toEqual([{ path: 'dimensions[0].measures[1].cap', message: 'a penalty (negative points) needs a cap <= 0' }]);
    const p = clone();
    p.dimensions[0].measures[1].cap = 0;
    expect(errorsOf(p)[0]).toEqual({ path: 'dimensions[0].measures[1].cap', message: 'cap must be above 0 when points are positive' });
  });

  it('accepts a penalty with a cap <= 0 beside earning measures, refuses a dimension of penalties alone', () => {
    const m = clone();
    m.dimensions[0].measures.push({ key: 'missed', label: 'Missed milestones', kind: 'count', event: 'milestone.missed', points: -5, cap: -20 });
    expect(validateModel(m).ok).toBe(true);
    const only = clone();
    only.dimensions[0].measures = [{ key: 'missed', label: 'Missed', kind: 'count', event: 'milestone.missed', points: -5, cap: -20 }];
    expect(errorsOf(only)[0].path).toBe('dimensions[0].measures');
  });

  it('refuses an unknown measure kind and a missing field', () => {
    const m = clone();
    m.dimensions[0].measures[0].kind = 'sum';
    expect(errorsOf(m)[0].path).toBe('dimensions[0].measures[0].kind');
    const n = clone();
    delete n.dimensions[0].measures[0].cap;
    expect(errorsOf(n)[0].path).toBe('dimensions[0].measures[0].cap');
  });

  it('refuses duplicate keys', () => {
    const m = clone();
    m.dimensions[1].measures[1].key = 'meetings';
    expect(errorsOf(m)).toEqual([{ path: 'dimensions[1].measures[1].key', message: 'duplicate measure key "meetings"' }]);
    const d = clone();
    d.dimensions[1].key = 'frequency';
    expect(errorsOf(d).map((e) => e.path)).toContain('dimensions[1].key');
  });

  it('refuses bands out of order or without a 0 floor', () => {
    const m = clone();
    [m.bands[1], m.bands[2]] = [m.bands[2], m.bands[1]];
    expect(errorsOf(m)).toEqual([{ path: 'bands[2].min', message: 'bands must be ordered by descending min' }]);
    const f = clone();
    f.bands[3].min = 10;
    expect(errorsOf(f)).toEqual([{ path: 'bands[3].min', message: 'the last band must have min 0 so every score has a band' }]);
  });

  it('refuses ratio tiers out of order', () => {
    const m = clone();
    m.dimensions[1].measures[0].tiers[1].min = 1;
    expect(errorsOf(m)[0].path).toBe('dimensions[1].measures[0].tiers[1].min');
  });

  it('checks overrides against the model', () => {
    const m = clone();
    m.overrides = [
      { match: { tier: 'strategic' }, dimensionWeights: { frequency: 50, nope: 10 } },
      { match: { lifecycleStage: 'renewal' }, measures: { nope: { points: 3 }, response_rate: { cap: 3 }, meetings: { points: -1 } } },
      { match: {} },
    ];
    const paths = errorsOf(m).map((e) => e.path);
    expect(paths).toEqual([
      'overrides[2].match',
      'overrides[0].dimensionWeights.nope',
      'overrides[0].dimensionWeights',
      'overrides[1].measures.nope',
      'overrides[1].measures.response_rate.cap',
      'overrides[1].measures.meetings.points',
    ]);
  });

  it('accepts partial override weights that keep the total at 100', () => {
    const m = clone();
    m.overrides = [{ match: { tier: 'growth' }, dimensionWeights: { frequency: 40, quality: 25 } }];
    expect(validateModel(m).ok).toBe(true);
  });

  it('refuses an unknown tier in tierTargets', () => {
    const m = clone();
    m.tierTargets.enterprise = 90;
    expect(errorsOf(m)[0].path).toBe('tierTargets.enterprise');
  });
});

describe('active_days, recency and trend measures', () => {
  /** The default model with one more measure in its first dimension. */
  const withMeasure = (m: Record<string, unknown>) => {
    const model = clone();
    model.dimensions[0].measures.push({ key: 'new', label: 'New', ...m });
    return model;
  };
  const at = 'dimensions[0].measures[5]';

  it('accepts each kind, and the model of the tests that uses all three with an override', () => {
    expect(validateModel(withMeasure({ kind: 'active_days', event: 'product.login', points: 3, cap: 30 })).ok).toBe(true);
    expect(validateModel(withMeasure({ kind: 'recency', event: ['product.login', 'feature.used'], tiers: [{ maxDays: 0, points: 5 }, { maxDays: 730, points: 0 }] })).ok).toBe(true);
    expect(validateModel(withMeasure({ kind: 'trend', event: 'product.login', tiers: [{ min: 1.2, points: 10 }, { min: 0, points: 0 }] })).ok).toBe(true);
    expect(validateModel(JSON.parse(JSON.stringify(KINDS_MODEL)))).toEqual({ ok: true, model: KINDS_MODEL });
  });

  it('refuses active days without positive points and cap, naming the field', () => {
    expect(errorsOf(withMeasure({ kind: 'active_days', event: 'product.login', points: 0, cap: 30 }))).toEqual([{ path: `${at}.points`, message: 'Too small: expected number to be >0' }]);
    expect(errorsOf(withMeasure({ kind: 'active_days', event: 'product.login', points: 2, cap: -1 })).map((e) => e.path)).toEqual([`${at}.cap`]);
    expect(errorsOf(withMeasure({ kind: 'active_days', event: 'product.login', points: 2 })).map((e) => e.path)).toEqual([`${at}.cap`]);
  });

  it('refuses recency tiers out of order, beyond the day limit, fractional or all worth 0, naming the tier', () => {
    const recency = (tiers: unknown) => errorsOf(withMeasure({ kind: 'recency', event: 'product.login', tiers }));
    expect(recency([{ maxDays: 30, points: 10 }, { maxDays: 7, points: 20 }])).toEqual([{ path: `${at}.tiers[1].maxDays`, message: 'tiers must be ordered by ascending maxDays' }]);
    expect(recency([{ maxDays: 7, points: 10 }, { maxDays: 7, points: 5 }])[0].path).toBe(`${at}.tiers[1].maxDays`);
    expect(recency([{ maxDays: MODEL_LIMITS.recencyDays + 1, points: 10 }])).toEqual([{ path: `${at}.tiers[0].maxDays`, message: `must be at most ${MODEL_LIMITS.recencyDays}` }]);
    expect(recency([{ maxDays: 1.5, points: 10 }])[0].path).toBe(`${at}.tiers[0].maxDays`);
    expect(recency([{ maxDays: 7, points: -1 }])[0].path).toBe(`${at}.tiers[0].points`);
    expect(recency([{ maxDays: 7, points: 0 }])).toEqual([{ path: `${at}.tiers`, message: 'at least one tier must be worth points' }]);
    expect(recency([])[0].path).toBe(`${at}.tiers`);
    expect(recency(Array.from({ length: MODEL_LIMITS.tiers + 1 }, (_, i) => ({ maxDays: i, points: 1 })))).toEqual([{ path: `${at}.tiers`, message: `at most ${MODEL_LIMITS.tiers} tiers` }]);
  });

  it('refuses trend tiers out of order or all worth 0, and a negative min', () => {
    const trend = (tiers: unknown) => errorsOf(withMeasure({ kind: 'trend', event: 'product.login', tiers }));
    expect(trend([{ min: 1, points: 5 }, { min: 1.5, points: 10 }])).toEqual([{ path: `${at}.tiers[1].min`, message: 'tiers must be ordered by descending min' }]);
    expect(trend([{ min: 1, points: 0 }, { min: 0, points: 0 }])).toEqual([{ path: `${at}.tiers`, message: 'at least one tier must be worth points' }]);
    expect(trend([{ min: -1, points: 5 }])[0].path).toBe(`${at}.tiers[0].min`);
  });

  it('lets overrides set the points and cap of active days only, with positive numbers', () => {
    const m = withMeasure({ kind: 'active_days', event: 'product.login', points: 3, cap: 30 });
    m.dimensions[0].measures.push({ key: 'last', label: 'Last', kind: 'recency', event: 'product.login', tiers: [{ maxDays: 7, points: 5 }] });
    m.overrides = [{ match: { tier: 'core' }, measures: { new: { points: 4, cap: 0 }, last: { tiers: [{ min: 0, points: 1 }] } } }];
    expect(errorsOf(m)).toEqual([
      { path: 'overrides[0].measures.new.cap', message: 'cap must be above 0' },
      { path: 'overrides[0].measures.last.tiers', message: 'the "tiers" of a recency measure cannot be overridden (edit the measure itself)' },
    ]);
    m.overrides = [{ match: { tier: 'core' }, measures: { new: { points: 4, cap: 40 } } }];
    expect(validateModel(m).ok).toBe(true);
  });
});
