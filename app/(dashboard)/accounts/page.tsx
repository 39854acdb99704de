import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { getStore } from '@/db/client';
import { parseViewFilters, viewFiltersToSearch } from '@/lib/account-filters';
import { accountsKey, ACCOUNTS_PAGE_SIZE } from '@/lib/queries/accounts';
import { accountsView, accountsViewMeta, effectiveFilters } from '@/lib/server/queries/account-view';
import { requirePageRole } from '@/lib/server/session';
import { AccountsClient } from './client';

export const metadata: Metadata = { title: 'Accounts' };

export default async function AccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageRole('csm', '/accounts');
  const db = await getStore();
  const filters = parseViewFilters(await searchParams);
  const search = viewFiltersToSearch(filters).toString();
  const queryClient = new QueryClient();
  const [, meta] = await Promise.all([
    queryClient.prefetchInfiniteQuery({
      queryKey: accountsKey(search),
      queryFn: async () => accountsView(db, { ...filters, ...effectiveFilters(filters, user), limit: ACCOUNTS_PAGE_SIZE }),
      initialPageParam: null as string | null,
    }),
    accountsViewMeta(db, user),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AccountsClient meta={meta} role={user.role} />
    </HydrationBoundary>
  );
}
