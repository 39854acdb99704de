import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { getStore } from '@/db/client';
import { parseLenient, toSearch, trendQuerySchema } from '@/lib/analytics/params';
import { trendsKey } from '@/lib/queries/analytics';
import { trendsPage } from '@/lib/server/queries/trends';
import { requirePageRole } from '@/lib/server/session';
import { TrendsClient } from './client';

export const metadata: Metadata = { title: 'Trends' };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageRole('manager', '/trends');
  const db = await getStore();
  const query = parseLenient(trendQuerySchema, await searchParams);
  const queryClient = new QueryClient();
  // A failure ("from" after "to") is left to the client, which shows it with a retry.
  await queryClient.prefetchQuery({ queryKey: trendsKey(toSearch(query)), queryFn: async () => trendsPage(db, query) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <TrendsClient />
    </HydrationBoundary>
  );
}
