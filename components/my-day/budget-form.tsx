'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useActionState } from 'react';
import { setMyDayBudgetAction } from '@/app/(dashboard)/my-day/actions';
import { fieldError, submittedValue } from '@/lib/action-result';

/** Admins: how many accounts each CSM's day shows in full (the rest are summarised). */
export function BudgetForm({ budget, max }: { budget: number; max: number }) {
  const queryClient = useQueryClient();
  const [state, formAction, pending] = useActionState(async (previous: Awaited<ReturnType<typeof setMyDayBudgetAction>> | null, form: FormData) => {
    const result = await setMyDayBudgetAction(previous, form);
    if (result.ok) await queryClient.invalidateQueries({ queryKey: ['my-day'] });
    return result;
  }, null);
  const error = fieldError(state, 'budget') ?? (state && !state.ok ? state.message : undefined);
  return (
    <form action={formAction} aria-label="Daily budget" noValidate className="flex flex-wrap items-end gap-2 rounded-lg border border-gray-200 bg-white p-3">
      <div>
        <label htmlFor="my-day-budget" className="block text-xs font-medium text-gray-700">Daily budget</label>
        <input id="my-day-budget" name="budget" type="number" min={1} max={max} step={1} required key={budget} defaultValue={submittedValue(state, 'budget', String(budget))}
          aria-invalid={error ? true : undefined} aria-describedby={error ? 'my-day-budget-error' : 'my-day-budget-hint'}
          className="mt-1 w-24 rounded-md border border-gray-300 px-2 py-1 text-sm tabular focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent aria-[invalid=true]:border-red-600" />
      </div>
      <button type="submit" disabled={pending} className="rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-60">
        {pending ? 'Saving…' : 'Save'}
      </button>
      <p id="my-day-budget-hint" className="pb-1.5 text-xs text-gray-600">How many accounts every day shows in full (admins set it for everyone); the rest are summarised below them.</p>
      {error ? <p id="my-day-budget-error" role="alert" className="w-full text-xs font-medium text-red-800">{error}</p> : null}
      {state?.ok ? <p role="status" className="w-full text-xs text-green-900">Saved.</p> : null}
    </form>
  );
}
