import { queryOptions } from '@tanstack/react-query';
import type { AccountPageData } from '@/lib/server/queries/account-page';
import type { TimelinePage } from '@/lib/server/queries/timeline';
import { LIVE_REFRESH_MS } from './accounts';

export const accountKey = (id: string, types: string, asOf = '') => ['account', id, types, asOf] as const;

/** `asOf`: the page as of an earlier day (empty: now, refreshed while open). */
export function accountQueryOptions(id: string, types: string, asOf = '') {
  const params = new URLSearchParams();
  if (types) params.set('types', types);
  if (asOf) params.set('asOf', asOf);
  const qs = params.toString();
  return queryOptions({
    queryKey: accountKey(id, types, asOf),
    queryFn: async (): Promise<AccountPageData> => {
      const res = await fetch(`/api/app/accounts/${encodeURIComponent(id)}${qs ? `?${qs}` : ''}`);
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Loading the account failed (${res.status})`);
      }
      return res.json() as Promise<AccountPageData>;
    },
    refetchInterval: asOf ? false : LIVE_REFRESH_MS,
  });
}

export const accountTimelineKey = (id: string, options: { types: string; q: string; cursor: string; asOf: string }) =>
  ['account', id, 'timeline', options.types, options.q, options.cursor, options.asOf] as const;

/** A page of the account's timeline; the first page of the live view refreshes while open. */
export function accountTimelineQueryOptions(id: string, options: { types: string; q: string; cursor: string; asOf: string }) {
  const params = new URLSearchParams();
  for (const key of ['types', 'q', 'cursor', 'asOf'] as const) if (options[key]) params.set(key, options[key]);
  const qs = params.toString();
  return queryOptions({
    queryKey: accountTimelineKey(id, options),
    queryFn: async (): Promise<TimelinePage> => {
      const res = await fetch(`/api/app/accounts/${encodeURIComponent(id)}/timeline${qs ? `?${qs}` : ''}`);
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Loading the timeline failed (${res.status})`);
      }
      return res.json() as Promise<TimelinePage>;
    },
    refetchInterval: options.asOf || options.cursor ? false : LIVE_REFRESH_MS,
  });
}
