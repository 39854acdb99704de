/** The query key and fetcher of "My day", shared by the server prefetch and the client. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { MyDay } from '@/lib/server/queries/my-day';
import { shownOf } from './shown';

/** My day changes with what the CSM does (refetched after each action) and with time: a slow refresh is enough. */
export const MY_DAY_REFRESH_MS = 30_000;

/** The accounts past the daily budget are listed this many at a time ("Show all", then "Show … more"). */
export const MY_DAY_REST_PAGE = 50;

/**
 * How many of the accounts past the budget a view lists, from its URL (`all=true&shown=N`): none without
 * `all=true`, a page when `shown` is missing or not a whole number from 1 to MAX_SHOWN.
 */
export function shownFromUrl(all: string | null | undefined, shown: string | null | undefined): number {
  return all === 'true' ? shownOf(shown, MY_DAY_REST_PAGE) : 0;
}

/** `shown`: how many of the accounts past the budget to list (0: none). */
export const myDayKey = (owner: string, shown: number) => ['my-day', owner, shown] as const;

export function myDayQueryOptions(owner: string, shown: number) {
  return queryOptions({
    queryKey: myDayKey(owner, shown),
    queryFn: async (): Promise<MyDay> => {
      const params = new URLSearchParams({ ...(owner ? { owner } : {}), ...(shown ? { all: 'true', shown: String(shown) } : {}) });
      const res = await fetch(`/api/app/my-day?${params}`);
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Loading your day failed (${res.status})`);
      }
      return res.json() as Promise<MyDay>;
    },
    placeholderData: keepPreviousData,
    refetchInterval: MY_DAY_REFRESH_MS,
  });
}
