import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { getStore } from '@/db/client';
import { ALERT_GROUPS_PAGE, alertsKey } from '@/lib/queries/alerts';
import { shownOf } from '@/lib/queries/shown';
import { parseAlertState } from '@/lib/alert-state';
import { alertOwner, alertsPage } from '@/lib/server/queries/alerts';
import { listOwners } from '@/lib/server/queries/accounts';
import { requirePageRole } from '@/lib/server/session';
import { AlertsClient } from './client';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requirePageRole('csm', '/alerts');
  const params = await searchParams;
  const state = parseAlertState(params.state);
  const ownerParam = params.owner ?? '';
  const shown = shownOf(typeof params.shown === 'string' ? params.shown : undefined, ALERT_GROUPS_PAGE);
  const owner = alertOwner(ownerParam || undefined, user);
  const db = await getStore();
  const [data, owners] = await Promise.all([alertsPage(db, { state, owner, groups: shown }), listOwners(db)]);
  const queryClient = new QueryClient();
  queryClient.setQueryData(alertsKey(state, ownerParam, shown), data);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AlertsClient owners={owners} me={user.email} role={user.role} />
    </HydrationBoundary>
  );
}
