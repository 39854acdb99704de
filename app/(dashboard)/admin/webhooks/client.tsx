'use client';

import { useActionState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { firstErrors, type ActionResult } from '@/lib/action-result';
import { createWebhookAction, deleteWebhookAction } from './actions';

interface Hook {
  pk: number;
  url: string;
  secret: string;
  events: string[];
  active: boolean;
  delivered: number;
  pending: number;
  failed: number;
  last_error: string | null;
}

const EVENT_LABELS: Record<string, string> = { band_drop: 'Band drops', red_flag: 'Red flags' };

export function WebhooksClient({ hooks }: { hooks: Hook[] }) {
  const [state, formAction, pending] = useActionState((prev: ActionResult<unknown> | null, form: FormData) => createWebhookAction(prev, form), null);
  const errors = firstErrors(state);
  return (
    <div className="space-y-6">
      {hooks.length === 0 ? (
        <EmptyState title="No webhooks yet">
          <p>Add a Slack incoming-webhook URL (or any HTTPS endpoint) to hear about band drops and red flags as they happen.</p>
        </EmptyState>
      ) : (
        <ul className="space-y-2" aria-label="Webhooks">
          {hooks.map((h) => (
            <li key={h.pk} className="rounded-lg border border-gray-200 bg-white p-3 text-sm">
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <p className="break-all font-medium text-gray-900">{h.url}</p>
                  <p className="mt-1 text-gray-700">{h.events.map((e) => EVENT_LABELS[e] ?? e).join(' and ')} · {h.delivered} delivered · {h.pending} waiting · {h.failed} failed</p>
                  {h.last_error ? <p className="mt-1 text-xs text-red-800">Last error: {h.last_error}</p> : null}
                  <p className="mt-1 text-xs text-gray-600">Signing secret: <code className="break-all rounded bg-gray-100 px-1">{h.secret}</code></p>
                </div>
                <form action={async () => { await deleteWebhookAction({ pk: h.pk }); }}>
                  <button type="submit" className="rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium text-red-800 hover:bg-red-50" aria-label={`Delete webhook ${h.url}`}>
                    Delete
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ul>
      )}
      <form action={formAction} className="max-w-xl space-y-3 rounded-lg border border-gray-200 bg-white p-4" aria-label="Add a webhook">
        <h2 className="text-sm font-semibold">Add a webhook</h2>
        <div>
          <label htmlFor="webhook-url" className="block text-xs font-medium text-gray-700">URL</label>
          <input id="webhook-url" name="url" type="url" required placeholder="https://hooks.slack.com/services/…" aria-invalid={!!errors.url}
            aria-describedby={errors.url ? 'webhook-url-error' : undefined}
            className="mt-1 block w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent" />
          {errors.url ? <p id="webhook-url-error" className="mt-1 text-xs text-red-800">{errors.url}</p> : null}
        </div>
        <fieldset>
          <legend className="text-xs font-medium text-gray-700">Send</legend>
          <label className="mr-4 inline-flex items-center gap-2 text-sm"><input type="checkbox" name="band_drop" defaultChecked className="h-4 w-4" /> Band drops</label>
          <label className="inline-flex items-center gap-2 text-sm"><input type="checkbox" name="red_flag" defaultChecked className="h-4 w-4" /> Red flags</label>
          {errors.events ? <p className="mt-1 text-xs text-red-800">{errors.events}</p> : null}
        </fieldset>
        {state && !state.ok && !Object.keys(errors).length ? <p role="alert" className="text-xs text-red-800">{state.message}</p> : null}
        {state?.ok ? <p role="status" className="text-xs text-green-800">Webhook added. Its signing secret is shown above.</p> : null}
        <button type="submit" disabled={pending} className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong disabled:opacity-60">
          {pending ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
    </div>
  );
}
