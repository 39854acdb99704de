import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, type Model } from '@/lib/scoring';
import { describeChange, diffModels } from './diff';

describe('diffModels', () => {
  it('is empty for the same model', () => {
    expect(diffModels(DEFAULT_MODEL, structuredClone(DEFAULT_MODEL))).toEqual([]);
  });

  it('names dimensions, measures and bands by key', () => {
    const after: Model = structuredClone(DEFAULT_MODEL);
    after.dimensions[0]!.weight = 25;
    after.dimensions[1]!.weight = 40;
    after.dimensions[0]!.measures[0]!.label = 'Calls';
    after.bands[0]!.min = 85;
    after.tierTargets = { ...after.tierTargets, strategic: 90 };
    const lines = diffModels(DEFAULT_MODEL, after).map(describeChange);
    expect(lines).toContain('dimensions[frequency].weight: 30 → 25');
    expect(lines).toContain('dimensions[quality].weight: 35 → 40');
    expect(lines).toContain('dimensions[frequency].measures[meetings].label: "CSM calls and meetings" → "Calls"');
    expect(lines).toContain('bands[green].min: 80 → 85');
    expect(lines.some((l) => l.startsWith('tierTargets.strategic'))).toBe(true);
  });

  it('reports added, removed and reordered items', () => {
    const after: Model = structuredClone(DEFAULT_MODEL);
    const [first, ...rest] = after.bands;
    after.bands = [first!, ...rest.slice(0, -1)];
    after.overrides = [...after.overrides, { match: { tier: 'core' }, dimensionWeights: { frequency: 40, quality: 25 } }];
    const changes = diffModels(DEFAULT_MODEL, after);
    expect(changes.find((c) => c.path === 'bands[red]')).toMatchObject({ kind: 'removed' });
    expect(changes.find((c) => c.path === `overrides[${DEFAULT_MODEL.overrides.length}]`)).toMatchObject({ kind: 'added' });
    const swapped = structuredClone(DEFAULT_MODEL);
    swapped.dimensions.reverse();
    expect(diffModels(DEFAULT_MODEL, swapped).map((c) => c.path)).toEqual(['dimensions (order)']);
  });
});
