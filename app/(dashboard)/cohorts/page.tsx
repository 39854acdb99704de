import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { cohortQuerySchema, parseLenient, toSearch } from '@/lib/analytics/params';
import { cohortsKey } from '@/lib/queries/analytics';
import { cohortPage } from '@/lib/server/queries/cohorts';
import { liveBands } from '@/lib/server/queries/model';
import { requirePageRole } from '@/lib/server/session';
import { CohortsClient } from './client';

export const metadata: Metadata = { title: 'Cohorts' };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageRole('manager', '/cohorts');
  const db = getDb();
  const query = parseLenient(cohortQuerySchema, await searchParams);
  const queryClient = new QueryClient();
  // A failure (an as-of date in the future) is left to the client, which shows it with a retry.
  await queryClient.prefetchQuery({ queryKey: cohortsKey(toSearch(query)), queryFn: () => cohortPage(db, query) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <CohortsClient bands={liveBands(db)} />
    </HydrationBoundary>
  );
}
