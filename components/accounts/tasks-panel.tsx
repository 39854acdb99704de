'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useActionState, useState } from 'react';
import { addTaskAction } from '@/app/(dashboard)/accounts/[id]/actions';
import { TaskActions } from '@/components/tasks/task-actions';
import { RelativeTime } from '@/components/ui/relative-time';
import { firstErrors, submittedValue, type ActionResult } from '@/lib/action-result';
import type { TaskItem } from '@/lib/server/queries/tasks';
import { dayOf, DueLabel } from './due';

const inputClass = 'mt-1 block w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent';

export interface AccountTasks {
  open: TaskItem[];
  snoozed: TaskItem[];
  closed: TaskItem[];
}

function useRefresh(accountId: string) {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: ['account', accountId] });
    await queryClient.invalidateQueries({ queryKey: ['accounts'] });
  };
}

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

function AddTaskForm({ accountId, onDone }: { accountId: string; onDone: () => void }) {
  const refresh = useRefresh(accountId);
  const [state, formAction, pending] = useActionState(async (prev: ActionResult<unknown> | null, form: FormData) => {
    const result = await addTaskAction(prev, form);
    if (result.ok) {
      await refresh();
      onDone();
    }
    return result;
  }, null);
  const errors = firstErrors(state);
  return (
    <form action={formAction} aria-label="Add a task" className="mt-3 space-y-2 rounded-md border border-gray-200 bg-gray-50 p-3 text-sm">
      <input type="hidden" name="accountId" value={accountId} />
      <div>
        <label htmlFor="task-title" className="block text-xs font-medium text-gray-700">Task</label>
        <input id="task-title" name="title" required maxLength={200} defaultValue={submittedValue(state, 'title')} className={inputClass}
          aria-invalid={!!errors.title} aria-describedby={errors.title ? 'task-title-error' : undefined} />
        {errors.title ? <p id="task-title-error" className="mt-1 text-xs text-red-800">{errors.title}</p> : null}
      </div>
      <div>
        <label htmlFor="task-due" className="block text-xs font-medium text-gray-700">Due</label>
        <input id="task-due" name="dueOn" type="date" required min={inDays(0)} defaultValue={submittedValue(state, 'dueOn', inDays(3))} className={inputClass}
          aria-invalid={!!errors.dueOn} aria-describedby={errors.dueOn ? 'task-due-error' : undefined} />
        {errors.dueOn ? <p id="task-due-error" className="mt-1 text-xs text-red-800">{errors.dueOn}</p> : null}
      </div>
      {state && !state.ok && !Object.keys(errors).length ? <p role="alert" className="text-xs text-red-800">{state.message}</p> : null}
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong disabled:opacity-60">
          {pending ? 'Adding…' : 'Add task'}
        </button>
        <button type="button" onClick={onDone} className="rounded-md px-3 py-1.5 text-sm text-gray-700 hover:bg-gray-100">Cancel</button>
      </div>
    </form>
  );
}

function closedInWords(task: TaskItem): string {
  if (task.closedReason === 'condition_ended') return 'Closed by itself: the condition that created it ended';
  return 'Done';
}

/**
 * The account's open tasks with Done and Snooze, a form to add one, and the recently closed ones.
 * `mayAct(task)`: whether the viewer may act on a task (null: add one); the server checks again.
 */
export function TasksPanel({ accountId, tasks, mayAct }: { accountId: string; tasks: AccountTasks; mayAct: (task: TaskItem | null) => boolean }) {
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState(0);
  const later = [...tasks.snoozed, ...tasks.closed];
  return (
    <div>
      {tasks.open.length === 0 ? (
        <p className="text-sm text-gray-700">No open tasks for this account.</p>
      ) : (
        <ul className="divide-y divide-gray-100 text-sm" aria-label="Open tasks">
          {tasks.open.map((t) => (
            <li key={t.id} className="py-2">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="font-medium text-gray-900">{t.title}</span>
                <DueLabel iso={t.dueAt} />
              </div>
              {t.reason ? <p className="mt-0.5 text-xs text-gray-700">{t.reason}</p> : null}
              <p className="mt-0.5 text-xs text-gray-600">{t.playbookName ? `Playbook: ${t.playbookName}` : 'Added by hand'} · {t.owner ?? 'no owner'}</p>
              {mayAct(t) ? <div className="mt-1.5"><TaskActions pk={t.id} label={t.title} owner={t.owner} assignees={null} align="start" /></div> : null}
            </li>
          ))}
        </ul>
      )}
      {!mayAct(null) ? null : adding ? (
        <AddTaskForm key={added} accountId={accountId} onDone={() => { setAdding(false); setAdded((n) => n + 1); }} />
      ) : (
        <button type="button" onClick={() => setAdding(true)} className="mt-3 rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-gray-800 hover:bg-gray-50">
          Add task…
        </button>
      )}
      {later.length ? (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-gray-800">Snoozed and recently closed ({later.length})</summary>
          <ul className="mt-2 divide-y divide-gray-100">
            {later.map((t) => (
              <li key={t.id} className="py-1.5">
                <span className="text-gray-900">{t.title}</span>
                <span className="block text-xs text-gray-700">
                  {t.state === 'snoozed' && t.snoozedUntil ? <>Snoozed until {dayOf(t.snoozedUntil)}</> : <>{closedInWords(t)}{t.doneAt ? <> <RelativeTime iso={t.doneAt} /></> : null}</>}
                  {t.playbookName ? ` · ${t.playbookName}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
