'use client';

import { useQueryClient } from '@tanstack/react-query';
import { startTransition, useActionState, useRef, useState } from 'react';
import { logTouchpointAction } from '@/app/(dashboard)/accounts/[id]/actions';
import { firstErrors, type ActionResult } from '@/lib/action-result';
import { MAX_TOUCHPOINT_NOTE, MEETING_ATTRIBUTES, TOUCHPOINT_KINDS, TOUCHPOINT_LABELS, type TouchpointKind } from '@/lib/programme/touchpoints';

const inputClass = 'mt-1 block w-full rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent aria-[invalid=true]:border-red-600';

/** Now in UTC as a datetime-local value (the command reads the form's time as UTC). */
function utcNow(): string {
  return new Date().toISOString().slice(0, 16);
}

function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? <p id={`${id}-error`} className="mt-1 text-xs font-medium text-red-800">{error}</p> : null;
}

const described = (id: string, error?: string) => ({ 'aria-invalid': !!error, 'aria-describedby': error ? `${id}-error` : undefined });

/**
 * "Log touchpoint": a modal dialog (the browser's own, so focus stays inside and Escape closes it)
 * with the kind, when, minutes, contact, note and, for calls and meetings, how it went.
 */
export function TouchpointDialog({ accountId, contacts }: { accountId: string; contacts: { id: string; name: string | null }[] }) {
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [kind, setKind] = useState<TouchpointKind>('call');
  const [openedAt, setOpenedAt] = useState(utcNow);
  // A fresh form each time the dialog opens after a success.
  const [generation, setGeneration] = useState(0);
  const [logged, setLogged] = useState<string | null>(null);
  const [state, formAction, pending] = useActionState(async (prev: ActionResult<unknown> | null, form: FormData) => {
    const result = await logTouchpointAction(prev, form);
    if (result.ok) {
      const sent = TOUCHPOINT_KINDS.find((k) => k === form.get('kind')) ?? kind;
      setLogged(`${TOUCHPOINT_LABELS[sent]} logged. The score, cadence and tasks are updated.`);
      dialog.current?.close();
      setGeneration((g) => g + 1);
      await queryClient.invalidateQueries({ queryKey: ['account', accountId] });
      await queryClient.invalidateQueries({ queryKey: ['accounts'] });
      return null;
    }
    return result;
  }, null);
  const errors = firstErrors(state);
  const meeting = kind === 'call' || kind === 'meeting';
  // Submitted by hand rather than through the form's `action`, which would reset every field
  // (the kind included) when the server refuses; after a success the form is made anew.
  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    startTransition(() => formAction(form));
  };
  const open = () => {
    setLogged(null);
    setOpenedAt(utcNow());
    dialog.current?.showModal();
  };

  return (
    <>
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={open} className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong">
          Log touchpoint…
        </button>
        <p role="status" className="text-sm text-green-900">{logged}</p>
      </div>
      <dialog ref={dialog} aria-labelledby="touchpoint-title" className="m-auto w-full max-w-lg rounded-lg border border-gray-200 bg-white p-0 shadow-xl backdrop:bg-gray-900/40">
        <form key={generation} onSubmit={submit} className="space-y-3 p-5 text-sm" noValidate>
          <h2 id="touchpoint-title" className="text-base font-semibold text-gray-900">Log a touchpoint</h2>
          <input type="hidden" name="accountId" value={accountId} />
          <div className="grid gap-3 sm:grid-cols-2">
            <div>
              <label htmlFor="tp-kind" className="block text-xs font-medium text-gray-700">Kind</label>
              <select id="tp-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as TouchpointKind)} className={inputClass} {...described('tp-kind', errors.kind)}>
                {TOUCHPOINT_KINDS.map((k) => <option key={k} value={k}>{TOUCHPOINT_LABELS[k]}</option>)}
              </select>
              <FieldError id="tp-kind" error={errors.kind} />
            </div>
            <div>
              <label htmlFor="tp-when" className="block text-xs font-medium text-gray-700">When (UTC)</label>
              <input id="tp-when" name="occurredAt" type="datetime-local" defaultValue={openedAt} max={utcNow()} className={inputClass} {...described('tp-when', errors.occurredAt)} />
              <FieldError id="tp-when" error={errors.occurredAt} />
            </div>
            <div>
              <label htmlFor="tp-minutes" className="block text-xs font-medium text-gray-700">Minutes spent (optional)</label>
              <input id="tp-minutes" name="minutes" type="number" inputMode="numeric" min={0} max={1440} step={1} className={inputClass} {...described('tp-minutes', errors.minutes)} />
              <FieldError id="tp-minutes" error={errors.minutes} />
            </div>
            <div>
              <label htmlFor="tp-contact" className="block text-xs font-medium text-gray-700">Contact (optional)</label>
              <select id="tp-contact" name="contactId" defaultValue="" className={inputClass} {...described('tp-contact', errors.contactId)}>
                <option value="">Nobody in particular</option>
                {contacts.map((c) => <option key={c.id} value={c.id}>{c.name ?? c.id}</option>)}
              </select>
              <FieldError id="tp-contact" error={errors.contactId} />
            </div>
          </div>
          {meeting ? (
            <fieldset className="rounded-md border border-gray-200 p-3">
              <legend className="px-1 text-xs font-medium text-gray-700">How it went</legend>
              <div className="grid gap-1.5 sm:grid-cols-2">
                {MEETING_ATTRIBUTES.map((a) => (
                  <label key={a.key} className="flex items-center gap-2 text-sm text-gray-800">
                    <input type="checkbox" name={a.key} className="h-4 w-4 rounded border-gray-300" />
                    {a.label}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
          <div>
            <label htmlFor="tp-note" className="block text-xs font-medium text-gray-700">Note{kind === 'note' ? '' : ' (optional)'}</label>
            <textarea id="tp-note" name="note" rows={3} maxLength={MAX_TOUCHPOINT_NOTE} className={inputClass} {...described('tp-note', errors.note)} />
            <FieldError id="tp-note" error={errors.note} />
          </div>
          {state && !state.ok && !Object.keys(errors).length ? <p role="alert" className="text-sm text-red-800">{state.message}</p> : null}
          {state && !state.ok && Object.keys(errors).length ? <p role="alert" className="sr-only">{state.message}</p> : null}
          <div className="flex justify-end gap-2 pt-1">
            <button type="button" onClick={() => dialog.current?.close()} className="rounded-md px-3 py-1.5 text-sm text-gray-700 hover:bg-gray-100">Cancel</button>
            <button type="submit" disabled={pending} className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong disabled:opacity-60">
              {pending ? 'Logging…' : `Log ${TOUCHPOINT_LABELS[kind].toLowerCase()}`}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
