import { describe, expect, it } from 'vitest';
import { DEFAULT_CADENCE } from '@/lib/programme/cadence';
import { commonChanges, experimentSchema, inPopulation, populationsMayOverlap, programmeChanges, stateOf } from './definition';
import { armItems, playbookRuns } from './programme';

const valid = {
  key: 'weekly-calls',
  name: 'Weekly vs monthly calls',
  population: { tier: 'growth' },
  arms: [
    { key: 'monthly', label: 'Monthly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 30 }] },
    { key: 'weekly', label: 'Weekly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }] },
  ],
  startAt: '2026-12-01T00:00:00Z',
};

describe('experimentSchema', () => {
  it('reads a definition with its defaults', () => {
    const e = experimentSchema.parse(valid);
    expect(e.population.tier).toEqual(['growth']);
    expect(e.stratifyBy).toEqual(['tier', 'band']);
    expect(e.lateJoiners).toBe('assign');
    expect(e.arms[0]!.playbooks).toEqual({ on: [], off: [] });
  });

  it('names each bad field by its path', () => {
    const r = experimentSchema.safeParse({
      ...valid,
      extra: 1,
      arms: [{ key: 'a', label: 'A', weight: 0 }, { key: 'a', label: 'B', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }, { item: 'touchpoint', everyDays: 9 }] }],
      endAt: '2026-11-01T00:00:00Z',
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toEqual(expect.arrayContaining([
      ': Unrecognized key: "extra"',
      'arms.0.weight: At least 1',
    ]));
    const refined = experimentSchema.safeParse({ ...valid, arms: [{ key: 'a', label: 'A', weight: 1 }, { key: 'a', label: 'B', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }, { item: 'touchpoint', everyDays: 9 }] }], endAt: '2026-11-01T00:00:00Z' });
    expect(refined.error!.issues.map((i) => i.path.join('.'))).toEqual(['arms.1.key', 'arms.1.cadence.1.item', 'endAt']);
  });

  it('needs two arms', () => {
    expect(experimentSchema.safeParse({ ...valid, arms: [valid.arms[0]] }).error!.issues[0]!.message).toBe('At least two arms: a baseline and a treatment');
  });
});

describe('population', () => {
  const acc = { id: 'A1', tier: 'growth', band: 'yellow', owner: 'Csm@Example.com' };
  it('matches every filter given', () => {
    expect(inPopulation({}, acc)).toBe(true);
    expect(inPopulation({ tier: ['growth'], band: ['yellow', 'red'], owner: ['csm@example.com'] }, acc)).toBe(true);
    expect(inPopulation({ tier: ['core'] }, acc)).toBe(false);
    expect(inPopulation({ accountIds: ['A2'] }, acc)).toBe(false);
  });

  it('two populations overlap unless a filter both give is disjoint', () => {
    expect(populationsMayOverlap({ tier: ['growth'] }, { band: ['red'] })).toBe(true);
    expect(populationsMayOverlap({ tier: ['growth'] }, { tier: ['core'], band: ['red'] })).toBe(false);
    expect(populationsMayOverlap({ owner: ['A@x'] }, { owner: ['a@x'] })).toBe(true);
  });
});

describe('programme changes', () => {
  const weekly = { cadence: [{ item: 'touchpoint', everyDays: 7 }], playbooks: { on: [], off: [] as string[] } };
  const holdout = { cadence: [{ item: 'touchpoint', everyDays: null }], playbooks: { on: [], off: 'all' as const } };
  it('names what two experiments both change', () => {
    const a = programmeChanges([weekly]);
    const b = programmeChanges([holdout]);
    expect(commonChanges(a, b)).toEqual(['the cadence item "touchpoint"']);
    expect(commonChanges(programmeChanges([{ cadence: [], playbooks: { on: [], off: ['red-save-play'] } }]), b)).toEqual(['the playbook "red-save-play"']);
    expect(commonChanges(programmeChanges([{ cadence: [{ item: 'business-review', everyDays: 30 }], playbooks: { on: [], off: [] } }]), a)).toEqual([]);
  });

  it('applies an arm to its tier: a new interval, an item dropped, an item added from another tier', () => {
    expect(armItems(DEFAULT_CADENCE, 'growth', weekly).map((i) => `${i.key}:${i.everyDays}`)).toEqual(['touchpoint:7', 'business-review:91', 'executive-checkin:182']);
    expect(armItems(DEFAULT_CADENCE, 'growth', holdout).map((i) => i.key)).toEqual(['business-review', 'executive-checkin']);
    expect(armItems(DEFAULT_CADENCE, 'nurture', weekly).map((i) => `${i.key}:${i.everyDays}:${i.label}`)).toEqual(['touchpoint:7:CSM touchpoint']);
    expect(armItems(DEFAULT_CADENCE, 'growth', null)).toBe(DEFAULT_CADENCE.tiers.growth);
  });

  it('switches playbooks on and off per arm', () => {
    expect(playbookRuns('red-save-play', true, holdout)).toBe(false);
    expect(playbookRuns('red-save-play', true, weekly)).toBe(true);
    expect(playbookRuns('weekly-call', false, { cadence: [], playbooks: { on: ['weekly-call'], off: [] } })).toBe(true);
    expect(playbookRuns('weekly-call', false, null)).toBe(false);
  });
});

describe('state', () => {
  it('planned, running, finished', () => {
    expect(stateOf({ startAt: 10, endAt: 20 }, 5)).toBe('planned');
    expect(stateOf({ startAt: 10, endAt: 20 }, 10)).toBe('running');
    expect(stateOf({ startAt: 10, endAt: null }, 1e12)).toBe('running');
    expect(stateOf({ startAt: 10, endAt: 20 }, 20)).toBe('finished');
  });
});
