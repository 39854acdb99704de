'use client';

/** The trigger and feature catalogues: create, rename (keys stay), retire and restore. */
import { useActionState } from 'react';
import {
  createFeatureAction, createTriggerAction, renameTriggerAction, restoreFeatureAction, restoreTriggerAction, retireFeatureAction, retireTriggerAction, updateFeatureAction,
} from '@/app/(dashboard)/admin/triggers/catalogue-actions';
import { Card, Field, FormAlert, dangerButton, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import { fieldError, submittedValue } from '@/lib/action-result';
import { FEATURE_TIERS } from '@/lib/scoring/types';
import type { CatalogueRow } from '@/lib/server/commands/catalogue-admin';

type Kind = 'trigger' | 'feature';

/** Inline inputs of a table row (the form inputs are full-width blocks). */
const rowInput = 'w-64 rounded-md border border-gray-300 bg-white px-2 py-1 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent aria-[invalid=true]:border-red-600';

function CreateForm({ kind }: { kind: Kind }) {
  const [state, formAction, pending] = useActionState(kind === 'trigger' ? createTriggerAction : createFeatureAction, null);
  const keyError = fieldError(state, 'key');
  const labelError = fieldError(state, 'label');
  const id = (f: string) => `new-${kind}-${f}`;
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_1fr_10rem_auto] sm:items-start" noValidate>
      <Field id={id('key')} label="Key" hint={kind === 'trigger' ? 'e.g. webinar.attended; never changes' : 'the value events send in their feature property'} error={keyError}>
        <input id={id('key')} name="key" className={inputClass} aria-invalid={!!keyError} defaultValue={submittedValue(state, 'key')} />
      </Field>
      <Field id={id('label')} label="Label" error={labelError}>
        <input id={id('label')} name="label" className={inputClass} aria-invalid={!!labelError} defaultValue={submittedValue(state, 'label')} />
      </Field>
      {kind === 'feature' ? (
        <Field id={id('tier')} label="Tier" error={fieldError(state, 'tier')}>
          <select id={id('tier')} name="tier" className={inputClass} defaultValue={submittedValue(state, 'tier', 'core')}>
            {FEATURE_TIERS.map((t) => <option key={t}>{t}</option>)}
          </select>
        </Field>
      ) : <span />}
      <div className="sm:pt-6"><button type="submit" className={primaryButton} disabled={pending}>Add {kind}</button></div>
      <div className="sm:col-span-4" aria-live="polite">
        {state && !state.ok && !keyError && !labelError ? <FormAlert>{state.message}</FormAlert> : null}
        {state?.ok ? <FormAlert tone="success">Added “{state.data.key}”.</FormAlert> : null}
      </div>
    </form>
  );
}

function Row({ kind, row }: { kind: Kind; row: CatalogueRow }) {
  const [saveState, saveAction, saving] = useActionState(kind === 'trigger' ? renameTriggerAction : updateFeatureAction, null);
  const retired = row.retiredAt !== null;
  const [retireState, retireAction, retiring] = useActionState(
    kind === 'trigger' ? (retired ? restoreTriggerAction : retireTriggerAction) : retired ? restoreFeatureAction : retireFeatureAction, null);
  const labelError = fieldError(saveState, 'label');
  return (
    <tr className={retired ? 'text-gray-500' : ''}>
      <th scope="row" className="whitespace-nowrap px-3 py-2 text-left font-mono text-xs font-medium">{row.key}</th>
      <td className="px-3 py-2">
        <form action={saveAction} className="flex flex-wrap items-center gap-2">
          <input type="hidden" name="key" value={row.key} />
          <label className="sr-only" htmlFor={`${kind}-${row.key}-label`}>Label of {row.key}</label>
          <input id={`${kind}-${row.key}-label`} name="label" defaultValue={row.label} className={rowInput} aria-invalid={!!labelError} />
          {kind === 'feature' ? (
            <>
              <label className="sr-only" htmlFor={`${kind}-${row.key}-tier`}>Tier of {row.key}</label>
              <select id={`${kind}-${row.key}-tier`} name="tier" defaultValue={row.tier} className={rowInput.replace("w-64", "w-32")}>
                {FEATURE_TIERS.map((t) => <option key={t}>{t}</option>)}
              </select>
            </>
          ) : null}
          <button type="submit" className={secondaryButton} disabled={saving} aria-label={`Save ${row.key}`}>Save</button>
          {labelError ? <span className="text-xs text-red-800">{labelError}</span> : null}
          {saveState?.ok ? <span className="text-xs text-green-800">Saved</span> : null}
        </form>
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-xs">{retired ? `Retired ${row.retiredAt!.slice(0, 10)}` : 'Active'}</td>
      <td className="px-3 py-2 text-right">
        <form action={retireAction}>
          <input type="hidden" name="key" value={row.key} />
          <button type="submit" className={retired ? secondaryButton : dangerButton} disabled={retiring} aria-label={`${retired ? 'Restore' : 'Retire'} ${row.key}`}>{retired ? 'Restore' : 'Retire'}</button>
          {retireState && !retireState.ok ? <span role="alert" className="ml-2 text-xs text-red-800">{retireState.message}</span> : null}
        </form>
      </td>
    </tr>
  );
}

export function CatalogueEditor({ kind, rows }: { kind: Kind; rows: CatalogueRow[] }) {
  const title = kind === 'trigger' ? 'Triggers' : 'Feature catalogue';
  const description = kind === 'trigger'
    ? 'The event types Trellis accepts. Keys never change; retiring a trigger keeps its events and aggregates and only refuses new events.'
    : 'The features the adoption measure counts, by tier. A change recomputes scores and history in the background.';
  return (
    <Card id={`${kind}-catalogue`} title={title} description={description}>
      <CreateForm kind={kind} />
      <div className="mt-4 overflow-x-auto rounded-lg border border-gray-200">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <caption className="sr-only">{title}</caption>
          <thead className="bg-gray-50">
            <tr>{['Key', kind === 'trigger' ? 'Label' : 'Label and tier', 'Status', ''].map((h, i) => <th key={i} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">{h || <span className="sr-only">Actions</span>}</th>)}</tr>
          </thead>
          <tbody className="divide-y divide-gray-100">{rows.map((r) => <Row key={`${r.key}:${r.retiredAt ?? ''}`} kind={kind} row={r} />)}</tbody>
        </table>
      </div>
    </Card>
  );
}
