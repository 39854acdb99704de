'use client';

import { useActionState } from 'react';
import { addAliasAction, removeAliasAction } from '@/app/(dashboard)/admin/triggers/alias-actions';
import { EmptyState } from '@/components/ui/empty-state';
import { Card, Field, FormAlert, dangerButton, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import { RelativeTime } from '@/components/ui/relative-time';
import { fieldError, submittedValue } from '@/lib/action-result';
import type { AliasRow, TriggerOption, UnmappedName } from '@/lib/server/queries/triggers';

function TriggerSelect({ id, triggers, defaultValue, error }: { id: string; triggers: TriggerOption[]; defaultValue: string; error?: string }) {
  return (
    <select id={id} name="triggerKey" defaultValue={defaultValue} className={inputClass} aria-invalid={!!error}>
      <option value="">Choose a trigger…</option>
      {triggers.map((t) => <option key={t.key} value={t.key}>{t.label} ({t.key})</option>)}
    </select>
  );
}

function AddAliasForm({ triggers }: { triggers: TriggerOption[] }) {
  const [state, formAction, pending] = useActionState(addAliasAction, null);
  const nameError = fieldError(state, 'name');
  const triggerError = fieldError(state, 'triggerKey');
  return (
    <form action={formAction} className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start" noValidate>
      <Field id="alias-name" label="Incoming event name" hint='Exactly as the source sends it, e.g. "Meeting Completed"' error={nameError}>
        <input id="alias-name" name="name" maxLength={200} className={inputClass} aria-invalid={!!nameError} defaultValue={submittedValue(state, 'name')}
          aria-describedby={nameError ? 'alias-name-error' : 'alias-name-hint'} />
      </Field>
      <Field id="alias-trigger" label="Counts as trigger" error={triggerError}>
        <TriggerSelect id="alias-trigger" triggers={triggers} defaultValue={submittedValue(state, 'triggerKey')} error={triggerError} />
      </Field>
      <div className="sm:pt-6">
        <button type="submit" className={primaryButton} disabled={pending}>{pending ? 'Adding…' : 'Add mapping'}</button>
      </div>
      <div className="sm:col-span-3" aria-live="polite">
        {state && !state.ok && !nameError && !triggerError ? <FormAlert>{state.message}</FormAlert> : null}
        {state?.ok ? <FormAlert tone="success">“{state.data.name}” now counts as {state.data.triggerKey}. Events already skipped are not replayed; new ones count.</FormAlert> : null}
      </div>
    </form>
  );
}

function RemoveAlias({ row }: { row: AliasRow }) {
  const [state, formAction, pending] = useActionState(removeAliasAction, null);
  return (
    <form action={formAction} className="inline-flex items-center gap-2">
      <input type="hidden" name="name" value={row.name} />
      <button type="submit" className={dangerButton} disabled={pending} aria-label={`Remove the mapping of ${row.name}`}>{pending ? 'Removing…' : 'Remove'}</button>
      {state && !state.ok ? <span role="alert" className="text-xs text-red-800">{state.message}</span> : null}
    </form>
  );
}

function MapUnmapped({ name, triggers }: { name: string; triggers: TriggerOption[] }) {
  const [state, formAction, pending] = useActionState(addAliasAction, null);
  const id = `map-${name.replace(/[^A-Za-z0-9]/g, '-')}`;
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="name" value={name} />
      <label htmlFor={id} className="sr-only">Trigger for {name}</label>
      <div className="min-w-48"><TriggerSelect id={id} triggers={triggers} defaultValue="" /></div>
      <button type="submit" className={secondaryButton} disabled={pending}>Map</button>
      {state && !state.ok ? <span role="alert" className="text-xs text-red-800">{state.message}</span> : null}
    </form>
  );
}

export function TriggerAliases({ aliases, triggers, unmapped }: { aliases: AliasRow[]; triggers: TriggerOption[]; unmapped: UnmappedName[] }) {
  return (
    <Card id="aliases-heading" title="Incoming event names"
      description={<>Sources such as Segment name events their own way. Map a name to a trigger and events with that name count as the trigger; an event whose name is a trigger key needs no mapping. Unmapped names are skipped, and listed below so you can map them.</>}>
      <div className="space-y-5">
        <AddAliasForm triggers={triggers} />
        {aliases.length ? (
          <div className="overflow-x-auto rounded-lg border border-gray-200">
            <table className="min-w-full divide-y divide-gray-200 text-sm">
              <caption className="sr-only">Event name mappings</caption>
              <thead className="bg-gray-50">
                <tr>
                  {['Incoming name', 'Counts as', 'Added', ''].map((h, i) => (
                    <th key={i} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">{h || <span className="sr-only">Actions</span>}</th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {aliases.map((a) => (
                  <tr key={a.name}>
                    <th scope="row" className="px-3 py-2 text-left font-medium text-gray-900">{a.name}</th>
                    <td className="px-3 py-2">{a.triggerLabel} <span className="font-mono text-xs text-gray-600">{a.triggerKey}</span></td>
                    <td className="whitespace-nowrap px-3 py-2"><RelativeTime iso={a.createdAt} /></td>
                    <td className="px-3 py-2 text-right"><RemoveAlias row={a} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No mappings yet">Events count only when their name is a trigger key, such as <code>meeting.held</code>.</EmptyState>
        )}
        <div>
          <h3 className="text-sm font-semibold text-gray-900">Received without a mapping</h3>
          {unmapped.length ? (
            <ul className="mt-2 divide-y divide-gray-100 rounded-lg border border-gray-200" aria-label="Unmapped event names">
              {unmapped.map((u) => (
                <li key={u.name} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2 text-sm">
                  <span><span className="font-medium text-gray-900">{u.name}</span> <span className="text-gray-600">· {u.count} skipped · last <RelativeTime iso={u.lastSeenAt} /></span></span>
                  <MapUnmapped name={u.name} triggers={triggers} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 text-sm text-gray-600">Nothing skipped: every event name received so far is a trigger or mapped.</p>
          )}
        </div>
      </div>
    </Card>
  );
}
