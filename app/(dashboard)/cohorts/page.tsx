import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { getStore } from '@/db/client';
import { cohortQuerySchema, parseLenient, toSearch } from '@/lib/analytics/params';
import { cohortsKey } from '@/lib/queries/analytics';
import { cohortPage } from '@/lib/server/queries/cohorts';
import { liveBands } from '@/lib/server/queries/model';
import { hasRole } from '@/lib/roles';
import { requirePageRole } from '@/lib/server/session';
import { CohortsClient } from './client';

export const metadata: Metadata = { title: 'Cohorts' };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageRole('manager', '/cohorts');
  const db = await getStore();
  const query = parseLenient(cohortQuerySchema, await searchParams);
  const queryClient = new QueryClient();
  // A failure (an as-of date in the future) is left to the client, which shows it with a retry.
  const [, bands] = await Promise.all([
    queryClient.prefetchQuery({ queryKey: cohortsKey(toSearch(query)), queryFn: async () => cohortPage(db, query) }),
    liveBands(db),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <CohortsClient bands={bands} admin={hasRole(user.role, 'admin')} />
    </HydrationBoundary>
  );
}
