/** Query keys and fetchers of the accounts list, shared by the server prefetch and the client. */
import { infiniteQueryOptions } from '@tanstack/react-query';
import type { AccountRow } from '@/components/accounts/accounts-table';
import type { BandCountRow } from '@/components/accounts/band-cards';

export interface AccountsPage {
  asOf: string | null;
  counts: BandCountRow[];
  total: number;
  data: AccountRow[];
  nextCursor: string | null;
}

export const ACCOUNTS_PAGE_SIZE = 100;
/** How often the list refreshes itself, so new events show up without a reload. */
export const LIVE_REFRESH_MS = 5_000;

export const accountsKey = (search: string) => ['accounts', search] as const;

export async function fetchAccountsPage(search: string, cursor: string | null): Promise<AccountsPage> {
  const params = new URLSearchParams(search);
  params.set('limit', String(ACCOUNTS_PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  const res = await fetch(`/api/app/accounts?${params}`);
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `Loading accounts failed (${res.status})`);
  }
  return res.json() as Promise<AccountsPage>;
}

/** `history`: the view stands at an earlier day, which does not change: no polling. */
export function accountsQueryOptions(search: string, history = false) {
  return infiniteQueryOptions({
    queryKey: accountsKey(search),
    queryFn: ({ pageParam }) => fetchAccountsPage(search, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: history ? false : LIVE_REFRESH_MS,
  });
}
