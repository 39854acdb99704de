'use client';

import { useActionState, useState } from 'react';
import { RelativeTime } from '@/components/ui/relative-time';
import { Card, Field, FormAlert, dangerButton, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import { EmptyState } from '@/components/ui/empty-state';
import { fieldError, submittedValue } from '@/lib/action-result';
import { API_KEY_SCOPE_OPTIONS } from '@/lib/admin-schemas';
import type { ApiKeyRow } from '@/lib/server/queries/api-keys';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

function CreateKeyForm() {
  const [state, formAction, pending] = useActionState(createApiKeyAction, null);
  const [copied, setCopied] = useState(false);
  const nameError = fieldError(state, 'name');
  const scopeError = fieldError(state, 'scope');
  return (
    <Card id="create-key" title="Create a key" description="Give each system its own key, so that you can revoke one without breaking the others.">
      <form action={formAction} className="grid gap-4 sm:grid-cols-[1fr_14rem_auto] sm:items-start" noValidate>
        <Field id="key-name" label="Name" hint='What uses it, e.g. "Segment production"' error={nameError}>
          <input id="key-name" name="name" required maxLength={100} className={inputClass} aria-invalid={!!nameError}
            aria-describedby={nameError ? 'key-name-error' : 'key-name-hint'} defaultValue={submittedValue(state, 'name')} />
        </Field>
        <Field id="key-scope" label="Scope" error={scopeError}>
          <select id="key-scope" name="scope" defaultValue={submittedValue(state, 'scope', 'ingest')} className={inputClass} aria-invalid={!!scopeError} aria-describedby="key-scope-hint">
            {API_KEY_SCOPE_OPTIONS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </Field>
        <div className="sm:pt-6">
          <button type="submit" className={primaryButton} disabled={pending}>{pending ? 'Creating…' : 'Create key'}</button>
        </div>
        <p id="key-scope-hint" className="text-xs text-gray-600 sm:col-span-3">
          {API_KEY_SCOPE_OPTIONS.map((o) => <span key={o.value} className="mr-3"><strong className="font-medium text-gray-800">{o.label}</strong>: {o.help}.</span>)}
        </p>
      </form>
      <div className="mt-4 space-y-2" aria-live="polite">
        {state && !state.ok && !nameError && !scopeError ? <FormAlert>{state.message}</FormAlert> : null}
        {state?.ok ? (
          <FormAlert tone="success">
            <p className="font-medium">Key “{state.data.name}” created ({state.data.scope}). Copy it now: it is not shown again.</p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code data-testid="new-api-key" className="break-all rounded bg-white px-2 py-1 font-mono text-xs text-gray-900 ring-1 ring-green-200">{state.data.key}</code>
              <button type="button" className={secondaryButton} onClick={() => navigator.clipboard?.writeText(state.data.key).then(() => setCopied(true))}>
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
          </FormAlert>
        ) : null}
      </div>
    </Card>
  );
}

function RevokeButton({ row }: { row: ApiKeyRow }) {
  const [state, formAction, pending] = useActionState(revokeApiKeyAction, null);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return <button type="button" className={dangerButton} onClick={() => setConfirming(true)} aria-label={`Revoke ${row.name}`}>Revoke</button>;
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="pk" value={row.pk} />
      <span className="text-xs text-gray-700">Requests with it will fail.</span>
      <button type="submit" className={dangerButton} disabled={pending}>{pending ? 'Revoking…' : `Confirm revoking ${row.name}`}</button>
      <button type="button" className="text-sm text-gray-700 underline" onClick={() => setConfirming(false)}>Cancel</button>
      {state && !state.ok ? <span role="alert" className="text-xs text-red-800">{state.message}</span> : null}
    </form>
  );
}

const SCOPE_STYLE: Record<ApiKeyRow['scope'], string> = {
  ingest: 'bg-blue-50 text-blue-900',
  read: 'bg-gray-100 text-gray-800',
  admin: 'bg-purple-50 text-purple-900',
};

function KeysTable({ keys }: { keys: ApiKeyRow[] }) {
  if (!keys.length) {
    return <EmptyState title="No API keys yet">Create one above, or on the command line with <code>npm run apikey -- create --name N --scope ingest</code>.</EmptyState>;
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className="sr-only">API keys</caption>
        <thead className="bg-gray-50">
          <tr>
            {['Name', 'Scope', 'Key', 'Created', 'Last used', 'Status', ''].map((h, i) => (
              <th key={i} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">{h || <span className="sr-only">Actions</span>}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {keys.map((k) => (
            <tr key={k.pk} className={k.revokedAt ? 'text-gray-500' : ''}>
              <th scope="row" className="whitespace-nowrap px-3 py-2 text-left font-medium text-gray-900">{k.name}</th>
              <td className="px-3 py-2"><span className={`rounded px-1.5 py-0.5 text-xs font-medium ${SCOPE_STYLE[k.scope]}`}>{k.scope}</span></td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{k.prefix}…</td>
              <td className="whitespace-nowrap px-3 py-2"><RelativeTime iso={k.createdAt} />{k.createdBy ? <span className="text-gray-500"> by {k.createdBy}</span> : null}</td>
              <td className="whitespace-nowrap px-3 py-2"><RelativeTime iso={k.lastUsedAt} /></td>
              <td className="whitespace-nowrap px-3 py-2">
                {k.revokedAt ? <span>Revoked <RelativeTime iso={k.revokedAt} /></span> : <span className="font-medium text-green-800">Active</span>}
              </td>
              <td className="px-3 py-2 text-right">{k.revokedAt ? null : <RevokeButton row={k} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ApiKeysClient({ keys }: { keys: ApiKeyRow[] }) {
  return (
    <div className="space-y-6">
      <CreateKeyForm />
      <section aria-labelledby="keys-heading" className="space-y-3">
        <h2 id="keys-heading" className="text-base font-semibold text-gray-900">Keys</h2>
        <KeysTable keys={keys} />
        <p className="text-xs text-gray-600">“Last used” is updated at most once a minute per key.</p>
      </section>
    </div>
  );
}
