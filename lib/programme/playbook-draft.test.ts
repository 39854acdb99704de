import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOKS, MAX_STEPS, playbookSchema } from './playbooks';
import { conditionFor, draftOfPlaybook, emptyDraft, flagChoiceOf, flagConditionOf, newStep, playbookOf } from './playbook-draft';

const BANDS = [{ key: 'green' }, { key: 'yellow' }, { key: 'red' }];

describe('the playbook form draft', () => {
  it('starts each kind of condition with usable values', () => {
    expect(conditionFor('band', BANDS)).toEqual({ kind: 'band', band: 'red' });
    expect(conditionFor('renewal', BANDS)).toEqual({ kind: 'renewal', withinDays: 60 });
    expect(conditionFor('flag', BANDS)).toEqual({ kind: 'flag' });
    expect(conditionFor('cadence_overdue', BANDS)).toEqual({ kind: 'cadence_overdue' });
    expect(conditionFor('below_target', BANDS)).toEqual({ kind: 'below_target' });
    for (const kind of ['band', 'renewal', 'flag', 'cadence_overdue', 'below_target'] as const) {
      expect(playbookSchema.safeParse({ key: 'k', name: 'n', condition: conditionFor(kind, BANDS), steps: [{ title: 't', dueInDays: 1 }] }).success).toBe(true);
    }
  });

  it('reads a flag condition as one choice and back', () => {
    for (const condition of [{ kind: 'flag' as const }, { kind: 'flag' as const, severity: 'red' as const }, { kind: 'flag' as const, flag: 'login_drop' }]) {
      expect(flagConditionOf(flagChoiceOf(condition))).toEqual(condition);
    }
    expect(flagChoiceOf({ flag: 'login_drop', severity: 'red' })).toBe('flag:login_drop');
    expect(flagConditionOf('flag:')).toEqual({ kind: 'flag' });
    expect(flagConditionOf('severity:purple')).toEqual({ kind: 'flag' });
  });

  it('turns a draft into what savePlaybook takes: no ids, no empty description, no empty tier list', () => {
    const draft = emptyDraft(BANDS);
    expect(playbookSchema.safeParse(playbookOf(draft)).success).toBe(false);
    draft.key = 'below-target';
    draft.name = 'Below target';
    draft.steps[0]!.title = 'Plan a value review';
    draft.tiers = [];
    const p = playbookOf(draft);
    expect(p).toEqual({
      key: 'below-target', name: 'Below target', description: null, condition: { kind: 'band', band: 'red' }, tiers: null,
      steps: [{ title: 'Plan a value review', dueInDays: 1 }], autoClose: true, active: true,
    });
    expect(playbookSchema.safeParse(p).success).toBe(true);
  });

  it('edits a stored playbook without changing it', () => {
    const stored = playbookSchema.parse(DEFAULT_PLAYBOOKS[2]);
    expect(playbookOf(draftOfPlaybook(stored))).toEqual({ ...stored, description: stored.description ?? null, tiers: stored.tiers ?? null });
  });

  it('adds steps up to the limit', () => {
    const steps = Array.from({ length: MAX_STEPS }, (_, i) => ({ uid: i, title: 't', dueInDays: 1 }));
    expect(newStep(steps)).toBeNull();
    expect(newStep(steps.slice(1))).toMatchObject({ title: '', dueInDays: 1 });
  });
});
