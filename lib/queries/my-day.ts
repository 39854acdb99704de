/** The query key and fetcher of "My day", shared by the server prefetch and the client. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { MyDay } from '@/lib/server/queries/my-day';

/** My day changes with what the CSM does (refetched after each action) and with time: a slow refresh is enough. */
export const MY_DAY_REFRESH_MS = 30_000;

export const myDayKey = (owner: string, all: boolean) => ['my-day', owner, all] as const;

export function myDayQueryOptions(owner: string, all: boolean) {
  return queryOptions({
    queryKey: myDayKey(owner, all),
    queryFn: async (): Promise<MyDay> => {
      const params = new URLSearchParams({ ...(owner ? { owner } : {}), ...(all ? { all: 'true' } : {}) });
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
