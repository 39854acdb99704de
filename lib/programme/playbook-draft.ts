/**
 * The playbook form's working copy and its choices (which condition, which flag). Pure: the form
 * (client) and its tests use it.
 */
import { FLAG_LABELS } from '@/lib/scoring/flag-labels';
import { MAX_STEPS, type PlaybookCondition, type PlaybookDefinition, type PlaybookStep } from './playbooks';

export type ConditionKind = PlaybookCondition['kind'];

export const CONDITION_KINDS: readonly { kind: ConditionKind; label: string }[] = [
  { kind: 'band', label: 'The score falls into a band' },
  { kind: 'flag', label: 'A flag is raised' },
  { kind: 'renewal', label: 'The renewal comes near' },
  { kind: 'cadence_overdue', label: 'A cadence item is overdue' },
  { kind: 'below_target', label: 'The score is under the tier’s target' },
];

export const DEFAULT_RENEWAL_DAYS = 60;

export interface DraftStep extends PlaybookStep {
  uid: number;
}
export interface PlaybookDraft extends Omit<PlaybookDefinition, 'steps' | 'description'> {
  description: string;
  steps: DraftStep[];
}

let lastUid = 0;
const uid = () => ++lastUid;

export function newStep(steps: readonly DraftStep[]): DraftStep | null {
  return steps.length >= MAX_STEPS ? null : { uid: uid(), title: '', dueInDays: 1 };
}

/** A condition of this kind with starting values: the worst band, any flag, 60 days, any item. */
export function conditionFor(kind: ConditionKind, bands: readonly { key: string }[]): PlaybookCondition {
  switch (kind) {
    case 'band':
      return { kind, band: bands[bands.length - 1]?.key ?? '' };
    case 'flag':
      return { kind };
    case 'renewal':
      return { kind, withinDays: DEFAULT_RENEWAL_DAYS };
    case 'cadence_overdue':
      return { kind };
    case 'below_target':
      return { kind };
  }
}

export function emptyDraft(bands: readonly { key: string }[]): PlaybookDraft {
  return { key: '', name: '', description: '', condition: conditionFor('band', bands), tiers: null, steps: [newStep([])!], autoClose: true, active: true };
}

export function draftOfPlaybook(p: PlaybookDefinition): PlaybookDraft {
  return { ...p, description: p.description ?? '', tiers: p.tiers ?? null, steps: p.steps.map((s) => ({ ...s, uid: uid() })) };
}

/** The playbook a draft stands for, as `savePlaybook` takes it. */
export function playbookOf(draft: PlaybookDraft): PlaybookDefinition {
  return {
    key: draft.key,
    name: draft.name,
    description: draft.description.trim() ? draft.description : null,
    condition: draft.condition,
    tiers: draft.tiers?.length ? draft.tiers : null,
    steps: draft.steps.map(({ title, dueInDays }) => ({ title, dueInDays })),
    autoClose: draft.autoClose,
    active: draft.active,
  };
}

/**
 * A flag condition as one choice of a list: `""` any flag, `severity:red`, `flag:login_drop`.
 * A condition naming both a flag and a severity reads as its flag.
 */
export function flagChoiceOf(condition: { flag?: string; severity?: 'red' | 'yellow' }): string {
  if (condition.flag) return `flag:${condition.flag}`;
  if (condition.severity) return `severity:${condition.severity}`;
  return '';
}

export function flagConditionOf(choice: string): Extract<PlaybookCondition, { kind: 'flag' }> {
  if (choice === 'severity:red' || choice === 'severity:yellow') return { kind: 'flag', severity: choice === 'severity:red' ? 'red' : 'yellow' };
  if (choice.startsWith('flag:') && choice.length > 5) return { kind: 'flag', flag: choice.slice(5) };
  return { kind: 'flag' };
}

/** The flags a playbook may watch, by key, with their names. */
export const FLAG_CHOICES: readonly { key: string; label: string }[] = Object.entries(FLAG_LABELS).map(([key, label]) => ({ key, label }));
