'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useActionState, useState } from 'react';
import { createOverrideAction, revokeOverrideAction } from '@/app/(dashboard)/accounts/actions';
import { RelativeTime } from '@/components/ui/relative-time';
import type { BandInfo } from '@/lib/bands';
import { firstErrors, type ActionResult } from '@/lib/action-result';

interface Override {
  band: string;
  reason: string;
  expiresAt: string;
  createdBy: string | null;
}

const inputClass = 'mt-1 block w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent';

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Shows the override in force, or a form to set one (band, reason, expiry). */
export function OverrideForm({ accountId, bands, override, computedBand }: { accountId: string; bands: BandInfo[]; override: Override | null; computedBand: string | null }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(async (prev: ActionResult<unknown> | null, form: FormData) => {
    const result = await createOverrideAction(prev, form);
    if (result.ok) {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: ['account', accountId] });
      await queryClient.invalidateQueries({ queryKey: ['accounts'] });
    }
    return result;
  }, null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const label = (key: string | null) => bands.find((b) => b.key === key)?.label ?? 'No data';
  const errors = firstErrors(state);

  if (override) {
    return (
      <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-gray-900" data-testid="override">
        <p>
          <strong>Band overridden to {label(override.band)}</strong> by {override.createdBy ?? 'someone'} until <RelativeTime iso={override.expiresAt} />: {override.reason}
        </p>
        <p className="mt-1 text-gray-700">The computed band is {label(computedBand)}.</p>
        <button type="button" className="mt-2 rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium hover:bg-gray-50"
          onClick={async () => {
            const result = await revokeOverrideAction({ accountId });
            setRevokeError(result.ok ? null : result.message);
            await queryClient.invalidateQueries({ queryKey: ['account', accountId] });
            await queryClient.invalidateQueries({ queryKey: ['accounts'] });
          }}>
          Remove override
        </button>
        {revokeError ? <p role="alert" className="mt-1 text-xs text-red-800">{revokeError}</p> : null}
      </div>
    );
  }
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-gray-800 hover:bg-gray-50">
        Override band…
      </button>
    );
  }
  return (
    <form action={formAction} className="space-y-3 rounded-md border border-gray-200 bg-gray-50 p-3 text-sm" aria-label="Override the band">
      <input type="hidden" name="accountId" value={accountId} />
      <div>
        <label htmlFor="override-band" className="block text-xs font-medium text-gray-700">Band</label>
        <select id="override-band" name="band" defaultValue="" className={inputClass} aria-invalid={!!errors.band} aria-describedby={errors.band ? 'override-band-error' : undefined}>
          <option value="" disabled>Pick a band</option>
          {bands.map((b) => <option key={b.key} value={b.key}>{b.label}</option>)}
        </select>
        {errors.band ? <p id="override-band-error" className="mt-1 text-xs text-red-800">{errors.band}</p> : null}
      </div>
      <div>
        <label htmlFor="override-reason" className="block text-xs font-medium text-gray-700">Reason</label>
        <textarea id="override-reason" name="reason" rows={2} className={inputClass} aria-invalid={!!errors.reason} aria-describedby={errors.reason ? 'override-reason-error' : undefined} />
        {errors.reason ? <p id="override-reason-error" className="mt-1 text-xs text-red-800">{errors.reason}</p> : null}
      </div>
      <div>
        <label htmlFor="override-expires" className="block text-xs font-medium text-gray-700">Until</label>
        <input id="override-expires" name="expiresOn" type="date" defaultValue={inDays(30)} min={inDays(1)} max={inDays(180)} className={inputClass}
          aria-invalid={!!errors.expiresAt || !!errors.expiresOn} aria-describedby={errors.expiresAt || errors.expiresOn ? 'override-expires-error' : undefined} />
        {errors.expiresAt || errors.expiresOn ? <p id="override-expires-error" className="mt-1 text-xs text-red-800">{errors.expiresAt ?? errors.expiresOn}</p> : null}
      </div>
      {state && !state.ok && !Object.keys(errors).length ? <p role="alert" className="text-xs text-red-800">{state.message}</p> : null}
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong disabled:opacity-60">
          {pending ? 'Saving…' : 'Save override'}
        </button>
        <button type="button" onClick={() => setOpen(false)} className="rounded-md px-3 py-1.5 text-sm text-gray-700 hover:bg-gray-100">Cancel</button>
      </div>
    </form>
  );
}
