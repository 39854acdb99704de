'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, useTransition } from 'react';
import { acknowledgeAlertAction, reopenAlertAction, snoozeAlertAction } from '@/app/(dashboard)/alerts/actions';

const buttonClass = 'rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-60';

/** Acknowledge, snooze or reopen one alert; lists refresh afterwards. */
export function AlertActions({ pk, state, label }: { pk: number; state: 'open' | 'snoozed' | 'acknowledged'; label: string }) {
  const queryClient = useQueryClient();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (fn: () => Promise<{ ok: boolean; message?: string }>) =>
    start(async () => {
      const result = await fn();
      setError(result.ok ? null : (result.message ?? 'That did not work'));
      await queryClient.invalidateQueries({ queryKey: ['alerts'] });
      await queryClient.invalidateQueries({ queryKey: ['account'] });
      await queryClient.invalidateQueries({ queryKey: ['my-day'] });
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      {state === 'acknowledged' || state === 'snoozed' ? (
        <button type="button" className={buttonClass} disabled={pending} onClick={() => run(() => reopenAlertAction({ pk }))} aria-label={`Reopen: ${label}`}>
          Reopen
        </button>
      ) : null}
      {state !== 'acknowledged' ? (
        <button type="button" className={buttonClass} disabled={pending} onClick={() => run(() => acknowledgeAlertAction({ pk }))} aria-label={`Acknowledge: ${label}`}>
          Acknowledge
        </button>
      ) : null}
      {state === 'open' ? (
        <label className="text-xs text-gray-700">
          <span className="sr-only">Snooze {label} for</span>
          <select className="rounded-md border border-gray-300 bg-white px-1.5 py-1 text-xs" value="" disabled={pending}
            onChange={(e) => e.target.value && run(() => snoozeAlertAction({ pk, days: Number(e.target.value) }))}>
            <option value="">Snooze…</option>
            <option value="1">1 day</option>
            <option value="3">3 days</option>
            <option value="7">1 week</option>
          </select>
        </label>
      ) : null}
      {error ? <span role="alert" className="text-xs text-red-800">{error}</span> : null}
    </div>
  );
}
