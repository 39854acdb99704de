import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, DEFAULT_TRIGGERS, MODEL_LIMITS } from '.';
import { KINDS_MODEL } from './test-helpers';
import { triggerKeysOf, triggerRefs, unknownTriggerErrors } from './trigger-refs';

const catalogue = { keys: new Set(DEFAULT_TRIGGERS.map((t) => t.key)) };

describe('the triggers a model reads', () => {
  it('lists every key of every measure with its path, arrays by element', () => {
    const model = {
      dimensions: [
        { measures: [{ kind: 'count', event: 'a' }, { kind: 'departments' }] },
        { measures: [{ kind: 'ratio', numerator: ['b', 'c'], denominator: 'd' }, { kind: 'stakeholders', event: ['e'] }] },
      ],
    };
    expect(triggerRefs(model)).toEqual([
      { path: 'dimensions[0].measures[0].event', key: 'a' },
      { path: 'dimensions[1].measures[0].numerator[0]', key: 'b' },
      { path: 'dimensions[1].measures[0].numerator[1]', key: 'c' },
      { path: 'dimensions[1].measures[0].denominator', key: 'd' },
      { path: 'dimensions[1].measures[1].event[0]', key: 'e' },
    ]);
    expect(triggerKeysOf({ dimensions: [{ measures: [{ event: 'a' }, { event: ['a', 'b'] }] }] })).toEqual(['a', 'b']);
  });

  it('names the keys of active_days, recency and trend measures, so the catalogue check covers them', () => {
    const model = structuredClone(KINDS_MODEL) as unknown as { dimensions: { measures: Record<string, unknown>[] }[] };
    expect(unknownTriggerErrors(model, catalogue)).toEqual([]);
    model.dimensions[4]!.measures[0]!.event = ['product.login', 'product.lgin'];
    model.dimensions[4]!.measures[1]!.event = 'meeting.hld';
    model.dimensions[4]!.measures[3]!.event = 'email.exchangd';
    expect(unknownTriggerErrors(model, catalogue).map((e) => e.path)).toEqual([
      'dimensions[4].measures[0].event[1]',
      'dimensions[4].measures[1].event',
      'dimensions[4].measures[3].event',
    ]);
  });

  it('finds nothing unknown in the default model against the default catalogue', () => {
    expect(unknownTriggerErrors(DEFAULT_MODEL, catalogue)).toEqual([]);
  });

  it('names each unknown key by its path, and says which trigger an event name is mapped to', () => {
    const model = structuredClone(DEFAULT_MODEL) as unknown as { dimensions: { measures: Record<string, unknown>[] }[] };
    model.dimensions[0]!.measures[0]!.event = ['meeting.held', 'meeting.hled'];
    model.dimensions[1]!.measures[0]!.denominator = 'Outreach Sent';
    const errors = unknownTriggerErrors(model, { ...catalogue, aliases: new Map([['Outreach Sent', 'outreach.sent']]) });
    expect(errors).toEqual([
      { path: 'dimensions[0].measures[0].event[1]', message: expect.stringContaining('no trigger "meeting.hled" in the catalogue') },
      { path: 'dimensions[1].measures[0].denominator', message: expect.stringContaining('mapped to the trigger "outreach.sent"') },
    ]);
  });

  it('reads any JSON without failing, hostile names included, and no more than the model limits', () => {
    for (const json of [null, 3, 'x', [], {}, { dimensions: 'x' }, { dimensions: [null, 1, { measures: {} }, { measures: [null, [], { event: 7 }, { event: [1, null] }] }] }]) {
      expect(triggerRefs(json)).toEqual([]);
    }
    const hostile = JSON.parse('{"dimensions":[{"measures":[{"__proto__":{"event":"x"},"event":"constructor"}]}]}') as unknown;
    expect(unknownTriggerErrors(hostile, catalogue).map((e) => e.path)).toEqual(['dimensions[0].measures[0].event']);
    const huge = { dimensions: Array.from({ length: 100 }, () => ({ measures: Array.from({ length: 100 }, () => ({ event: Array.from({ length: 100 }, () => 'x') })) })) };
    const total = MODEL_LIMITS.dimensions * MODEL_LIMITS.measuresPerDimension * MODEL_LIMITS.eventTypes;
    expect(triggerRefs(huge)).toHaveLength(total);
    // The errors do not grow with the model: the first 100, then how many more.
    const errors = unknownTriggerErrors(huge, catalogue);
    expect(errors).toHaveLength(101);
    expect(errors.at(-1)).toEqual({ path: 'dimensions', message: `and ${total - 100} more places read keys that are not triggers` });
  });
});
