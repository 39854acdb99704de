import { queryOptions } from '@tanstack/react-query';
import type { AccountPageData } from '@/lib/server/queries/account-page';
import { LIVE_REFRESH_MS } from './accounts';

export const accountKey = (id: string, types: string) => ['account', id, types] as const;

export function accountQueryOptions(id: string, types: string) {
  return queryOptions({
    queryKey: accountKey(id, types),
    queryFn: async (): Promise<AccountPageData> => {
      const res = await fetch(`/api/app/accounts/${encodeURIComponent(id)}${types ? `?types=${encodeURIComponent(types)}` : ''}`);
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Loading the account failed (${res.status})`);
      }
      return res.json() as Promise<AccountPageData>;
    },
    refetchInterval: LIVE_REFRESH_MS,
  });
}
