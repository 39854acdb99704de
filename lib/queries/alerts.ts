import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { AlertState } from '@/lib/alert-state';
import type { AlertsPageData } from '@/lib/server/queries/alerts';
import { LIVE_REFRESH_MS } from './accounts';

export type AlertsPage = AlertsPageData;

/** Accounts (each with its alerts) listed at a time: the first, then "Show … more". */
export const ALERT_GROUPS_PAGE = 25;

/** `shown`: how many accounts' alerts are listed. */
export const alertsKey = (state: string, owner: string, shown: number) => ['alerts', state, owner, shown] as const;

export function alertsQueryOptions(state: AlertState, owner: string, shown: number) {
  return queryOptions({
    queryKey: alertsKey(state, owner, shown),
    queryFn: async (): Promise<AlertsPage> => {
      const params = new URLSearchParams({ state, ...(owner ? { owner } : {}), shown: String(shown) });
      const res = await fetch(`/api/app/alerts?${params}`);
      if (!res.ok) throw new Error(`Loading alerts failed (${res.status})`);
      return res.json() as Promise<AlertsPage>;
    },
    // A longer list is kept on screen while its next page loads.
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
  });
}
