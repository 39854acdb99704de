import { queryOptions } from '@tanstack/react-query';
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
    // While the next page of the same list loads, the list shown stays (another state or owner starts empty).
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === state && previousQuery.queryKey[2] === owner ? previous : undefined),
    refetchInterval: LIVE_REFRESH_MS,
  });
}
