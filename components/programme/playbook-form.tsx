'use client';

/** Creates or changes a playbook: its name, when it fires, for which tiers, and the tasks it gives. */
import { useState, useTransition } from 'react';
import { dangerButton, Field, FormAlert, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import { savePlaybookAction } from '@/app/(dashboard)/admin/playbooks/actions';
import { TIER_NAMES, issuesByPath } from '@/lib/programme/describe';
import { newStep, playbookOf, type PlaybookDraft } from '@/lib/programme/playbook-draft';
import { MAX_STEPS, playbookSchema } from '@/lib/programme/playbooks';
import { TIERS } from '@/lib/scoring/types';
import type { PlaybookFormOptions } from '@/lib/server/queries/playbooks';
import { ConditionFields } from './condition-fields';

const NO_ERRORS: ReadonlyMap<string, string> = new Map();
const invalid = (error: string | undefined, id: string) => ({ 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined });
const smallButton = `${secondaryButton} px-2 py-1 text-xs`;

export function PlaybookForm({ mode, initial, options, onDone, onCancel }: {
  mode: 'create' | 'edit'; initial: PlaybookDraft; options: PlaybookFormOptions; onDone: (message: string) => void; onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [attempted, setAttempted] = useState(false);
  const [refused, setRefused] = useState<{ json: string; errors: Map<string, string>; message: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const playbook = playbookOf(draft);
  const json = JSON.stringify(playbook);
  const errors = !attempted ? NO_ERRORS : refused?.json === json ? refused.errors : issuesByPath(playbookSchema, playbook);
  const set = (patch: Partial<PlaybookDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = () => {
    startTransition(async () => {
      const result = await savePlaybookAction({ mode, playbook });
      setAttempted(true);
      if (result.ok) return onDone(`${mode === 'create' ? 'Created' : 'Saved'} “${playbook.name}”. It applies at the next sweep (within 5 minutes) or rescore; Run now applies it at once.`);
      const map = new Map(Object.entries(result.fieldErrors).filter(([p]) => p !== '_form' && p !== 'playbook').map(([p, m]) => [p, m[0]!]));
      setRefused({ json, errors: map, message: result.message });
    });
  };

  const stepsError = errors.get('steps');
  const title = mode === 'create' ? 'New playbook' : `Edit “${initial.name}”`;
  return (
    <form aria-labelledby="playbook-form-heading" noValidate className="max-w-5xl space-y-4 rounded-lg border border-gray-200 bg-white p-5" onSubmit={(e) => { e.preventDefault(); save(); }}>
      <h2 id="playbook-form-heading" tabIndex={-1} className="text-base font-semibold text-gray-900">{title}</h2>
      {refused && refused.json === json ? <FormAlert>{refused.errors.size ? `${refused.message}: see the fields marked below.` : refused.message}</FormAlert> : null}
      <fieldset disabled={pending} className="space-y-4">
        <legend className="sr-only">{title}</legend>
        <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
          <Field id="pb-key" label="Key" error={errors.get('key')} hint={mode === 'edit' ? 'The key names the playbook and cannot change.' : 'lower-case, e.g. onboarding-stalled'}>
            <input id="pb-key" className={`${inputClass} font-mono`} value={draft.key} maxLength={60} spellCheck={false} readOnly={mode === 'edit'}
              {...invalid(errors.get('key'), 'pb-key')} aria-describedby={errors.get('key') ? 'pb-key-error' : 'pb-key-hint'} onChange={(e) => set({ key: e.target.value })} />
          </Field>
          <Field id="pb-name" label="Name" error={errors.get('name')}>
            <input id="pb-name" className={inputClass} value={draft.name} maxLength={120} {...invalid(errors.get('name'), 'pb-name')} onChange={(e) => set({ name: e.target.value })} />
          </Field>
        </div>
        <Field id="pb-description" label="Description (optional)" error={errors.get('description')}>
          <textarea id="pb-description" className={`${inputClass} h-16`} value={draft.description} maxLength={500} {...invalid(errors.get('description'), 'pb-description')}
            onChange={(e) => set({ description: e.target.value })} />
        </Field>
        <ConditionFields condition={draft.condition} onChange={(condition) => set({ condition })} options={options} errors={errors} />
        <fieldset>
          <legend className="text-sm font-medium text-gray-700">Only accounts of these tiers</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {TIERS.map((tier) => (
              <label key={tier} className="inline-flex items-center gap-2 text-sm text-gray-800">
                <input type="checkbox" className="h-4 w-4" checked={draft.tiers?.includes(tier) ?? false}
                  onChange={(e) => set({ tiers: e.target.checked ? TIERS.filter((t) => t === tier || draft.tiers?.includes(t)) : (draft.tiers ?? []).filter((t) => t !== tier) })} />
                {TIER_NAMES[tier]}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-gray-600">{errors.get('tiers') ?? 'None ticked: every tier.'}</p>
        </fieldset>
        <fieldset>
          <legend className="text-sm font-medium text-gray-700">Steps: each becomes a task for the account&apos;s owner</legend>
          <ol className="mt-2 space-y-2">
            {draft.steps.map((step, i) => {
              const titleError = errors.get(`steps[${i}].title`);
              const dueError = errors.get(`steps[${i}].dueInDays`);
              const update = (patch: Partial<typeof step>) => set({ steps: draft.steps.map((s) => (s.uid === step.uid ? { ...s, ...patch } : s)) });
              return (
                <li key={step.uid} className="grid items-start gap-2 sm:grid-cols-[minmax(0,1fr)_9rem_auto]">
                  <Field id={`pb-step-${step.uid}`} label={`Step ${i + 1}`} error={titleError}>
                    <input id={`pb-step-${step.uid}`} className={inputClass} value={step.title} maxLength={200} {...invalid(titleError, `pb-step-${step.uid}`)} onChange={(e) => update({ title: e.target.value })} />
                  </Field>
                  <Field id={`pb-due-${step.uid}`} label={`Step ${i + 1} due in (days)`} error={dueError}>
                    <input id={`pb-due-${step.uid}`} type="number" inputMode="numeric" min={0} max={365} step={1} className={`${inputClass} tabular`} {...invalid(dueError, `pb-due-${step.uid}`)}
                      value={Number.isFinite(step.dueInDays) ? step.dueInDays : ''} onChange={(e) => update({ dueInDays: e.target.value === '' ? Number.NaN : Number(e.target.value) })} />
                  </Field>
                  <button type="button" className={`${dangerButton} mt-6 px-2 py-1 text-xs`} disabled={draft.steps.length <= 1} aria-label={`Remove step ${i + 1}`}
                    onClick={() => set({ steps: draft.steps.filter((s) => s.uid !== step.uid) })}>Remove</button>
                </li>
              );
            })}
          </ol>
          {stepsError ? <p className="mt-1 text-xs font-medium text-red-800">{stepsError}</p> : null}
          <button type="button" className={`${smallButton} mt-2`} disabled={draft.steps.length >= MAX_STEPS} onClick={() => { const s = newStep(draft.steps); if (s) set({ steps: [...draft.steps, s] }); }}>
            Add a step
          </button>
        </fieldset>
        <div className="space-y-2">
          <label className="flex items-center gap-2 text-sm text-gray-800">
            <input type="checkbox" className="h-4 w-4" checked={draft.autoClose} onChange={(e) => set({ autoClose: e.target.checked })} />
            Close its open tasks when the condition no longer holds
          </label>
          <label className="flex items-center gap-2 text-sm text-gray-800">
            <input type="checkbox" className="h-4 w-4" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} />
            Active (fires on accounts)
          </label>
        </div>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={primaryButton} disabled={pending}>{pending ? 'Saving…' : mode === 'create' ? 'Create playbook' : 'Save playbook'}</button>
        <button type="button" className={secondaryButton} disabled={pending} onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
