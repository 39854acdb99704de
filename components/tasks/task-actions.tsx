'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useActionState, useId, useState, useTransition } from 'react';
import { addTaskNoteAction, completeTaskAction, reassignTaskAction, snoozeTaskAction } from '@/app/(dashboard)/my-day/actions';
import { fieldError } from '@/lib/action-result';
import { TASK_SNOOZE_DAYS } from '@/lib/task-schemas';

const buttonClass = 'rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-60';
const selectClass = 'rounded-md border border-gray-300 bg-white px-1.5 py-1 text-xs';

export interface Assignee {
  email: string;
  name: string | null;
}

/** Refreshes what shows tasks after a change: My day, the account pages, the accounts list. */
function useRefresh() {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: ['my-day'] });
    await queryClient.invalidateQueries({ queryKey: ['account'] });
    await queryClient.invalidateQueries({ queryKey: ['accounts'] });
  };
}

/** Done, snooze, add a note; managers also reassign. The task leaves the list once done or snoozed. */
export function TaskActions({ pk, label, owner, assignees, align = 'end' }: { pk: number; label: string; owner: string | null; assignees: Assignee[] | null; align?: 'start' | 'end' }) {
  const refresh = useRefresh();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [noting, setNoting] = useState(false);
  const [to, setTo] = useState('');
  const id = useId();
  const run = (fn: () => Promise<{ ok: boolean; message?: string }>) =>
    start(async () => {
      const result = await fn();
      setError(result.ok ? null : (result.message ?? 'That did not work'));
      await refresh();
    });
  return (
    <div className="space-y-2">
      <div className={`flex flex-wrap items-center gap-2 ${align === 'end' ? 'justify-end' : ''}`}>
        <button type="button" className={buttonClass} disabled={pending} onClick={() => run(() => completeTaskAction({ pk }))} aria-label={`Done: ${label}`}>
          Done
        </button>
        <label className="text-xs text-gray-700">
          <span className="sr-only">Snooze {label} for</span>
          <select className={selectClass} value="" disabled={pending} onChange={(e) => e.target.value && run(() => snoozeTaskAction({ pk, days: Number(e.target.value) }))}>
            <option value="">Snooze…</option>
            {TASK_SNOOZE_DAYS.map((d) => <option key={d} value={d}>{d === 7 ? '1 week' : `${d} day${d === 1 ? '' : 's'}`}</option>)}
          </select>
        </label>
        <button type="button" className={buttonClass} aria-expanded={noting} aria-controls={noting ? `${id}-note` : undefined} onClick={() => setNoting((v) => !v)} aria-label={`Add note: ${label}`}>
          Add note
        </button>
        {assignees ? (
          <form className="flex items-center gap-1" onSubmit={(e) => { e.preventDefault(); if (to) run(() => reassignTaskAction({ pk, owner: to })); }}>
            <label className="text-xs text-gray-700">
              <span className="sr-only">Reassign {label} to</span>
              <select className={`${selectClass} max-w-[11rem]`} value={to} disabled={pending} onChange={(e) => setTo(e.target.value)}>
                <option value="">Reassign to…</option>
                {assignees.filter((a) => a.email !== owner).map((a) => <option key={a.email} value={a.email}>{a.name ?? a.email}</option>)}
              </select>
            </label>
            <button type="submit" className={buttonClass} disabled={pending || !to} aria-label={`Reassign: ${label}`}>Reassign</button>
          </form>
        ) : null}
        {pending ? <span className="text-xs text-gray-600" role="status">Saving…</span> : null}
        {error ? <span role="alert" className="text-xs text-red-800">{error}</span> : null}
      </div>
      {noting ? <NoteForm id={`${id}-note`} pk={pk} label={label} onDone={() => setNoting(false)} /> : null}
    </div>
  );
}

function NoteForm({ id, pk, label, onDone }: { id: string; pk: number; label: string; onDone: () => void }) {
  const refresh = useRefresh();
  const [state, formAction, pending] = useActionState(async (previous: Awaited<ReturnType<typeof addTaskNoteAction>> | null, form: FormData) => {
    const result = await addTaskNoteAction(previous, form);
    if (result.ok) {
      await refresh();
      onDone();
    }
    return result;
  }, null);
  const error = fieldError(state, 'note') ?? (state && !state.ok ? state.message : undefined);
  return (
    <form id={id} action={formAction} noValidate className="ml-auto w-80 max-w-full space-y-1" aria-label={`Note on ${label}`}>
      <input type="hidden" name="pk" value={pk} />
      <label htmlFor={`${id}-body`} className="block text-xs font-medium text-gray-700">Note</label>
      <textarea id={`${id}-body`} name="note" rows={2} maxLength={2000} required autoFocus aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        className="block w-full rounded-md border border-gray-300 px-2 py-1 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent" />
      {error ? <p id={`${id}-error`} className="text-xs font-medium text-red-800">{error}</p> : null}
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className="rounded-md bg-accent px-2.5 py-1 text-xs font-medium text-white hover:bg-accent-strong disabled:opacity-60">{pending ? 'Saving…' : 'Save note'}</button>
        <button type="button" className={buttonClass} onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
