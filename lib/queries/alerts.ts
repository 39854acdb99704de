import { queryOptions } from '@tanstack/react-query';
import type { AlertState } from '@/lib/alert-state';
import type { AlertsPageData } from '@/lib/server/queries/alerts';
import { LIVE_REFRESH_MS } from './accounts';

export type AlertsPage = AlertsPageData;

export const alertsKey = (state: string, owner: string) => ['alerts', state, owner] as const;

export function alertsQueryOptions(state: AlertState, owner: string) {
  return queryOptions({
    queryKey: alertsKey(state, owner),
    queryFn: async (): Promise<AlertsPage> => {
      const params = new URLSearchParams({ state, ...(owner ? { owner } : {}) });
      const res = await fetch(`/api/app/alerts?${params}`);
      if (!res.ok) throw new Error(`Loading alerts failed (${res.status})`);
      return res.json() as Promise<AlertsPage>;
    },
    refetchInterval: LIVE_REFRESH_MS,
  });
}
