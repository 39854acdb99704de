/** `detail: 'lean'` (bulk rescoring) must give exactly what `full` gives, measures aside. */
import { describe, expect, it } from 'vitest';
import { buildActivity } from './activity';
import { DEFAULT_MODEL } from './default-model';
import { scoreAccount, type ScoreInput } from './engine';
import type { Model } from './schema';
import { RANDOM_CONTACTS as CONTACTS, RANDOM_FEATURES as FEATURES, randomEvents, rng, T } from './test-helpers';
import type { ScoreResult, Tier } from './types';
import { DAY_MS } from './window';

const TIERS: (Tier | null)[] = ['strategic', 'growth', 'core', 'nurture', null];

/** The full result with each dimension's measures dropped: what `lean` promises to equal. */
const withoutMeasures = (r: ScoreResult): ScoreResult => ({ ...r, dimensions: r.dimensions.map((d) => ({ ...d, measures: [] })) });

const onboardingHeavy: Model = {
  ...DEFAULT_MODEL,
  overrides: [
    ...DEFAULT_MODEL.overrides,
    { match: { tier: 'strategic' }, measures: { meetings: { points: 10, cap: 60 } }, dimensionWeights: { product: 0 } },
  ],
};

describe("detail 'lean'", () => {
  it('equals the full result without measures for many random activities', () => {
    const rand = rng(20260331);
    const seen = { flags: 0, noData: 0, partial: 0, previous: 0 };
    for (let i = 0; i < 400; i++) {
      const events = i % 20 === 0 ? [] : randomEvents(rand);
      const input: ScoreInput = {
        model: i % 3 === 0 ? onboardingHeavy : DEFAULT_MODEL,
        profile: { id: `acc-${i}`, tier: TIERS[i % TIERS.length], lifecycleStage: null, startedAt: T - Math.floor(rand() * 200) * DAY_MS },
        contacts: CONTACTS,
        catalogue: i % 7 === 0 ? [] : FEATURES,
        activity: buildActivity(events, { resolution: i % 2 ? 'day' : 'instant' }),
        asOf: T - (i % 5) * DAY_MS,
      };
      const full = scoreAccount(input);
      const lean = scoreAccount({ ...input, detail: 'lean' });
      expect(lean, `activity ${i}`).toEqual(withoutMeasures(full));
      seen.flags += full.flags.length;
      if (full.state === 'no_data') seen.noData++;
      if (full.partial) seen.partial++;
      if (full.previousScore !== null) seen.previous++;
    }
    // The random activities reach every kind of result, flags with their evidence included.
    expect(seen.flags).toBeGreaterThan(50);
    expect(Math.min(seen.noData, seen.partial, seen.previous)).toBeGreaterThan(10);
  });
});
