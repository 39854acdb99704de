import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getStore } from '@/db/client';
import { parseViewFilters } from '@/lib/account-filters';
import { accountKey } from '@/lib/queries/account';
import { hasRole } from '@/lib/roles';
import { ensureLiveModel } from '@/lib/server/commands/model';
import { accountPage } from '@/lib/server/queries/account-page';
import { requirePageRole } from '@/lib/server/session';
import { AccountClient } from './client';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  const user = await requirePageRole('csm', `/accounts/${raw}`);
  const db = await getStore();
  const { asOf } = parseViewFilters({ asOf: (await searchParams).asOf });
  const [data, live] = await Promise.all([accountPage(db, id, { asOf }), ensureLiveModel(db)]);
  if (!data) notFound();
  const queryClient = new QueryClient();
  queryClient.setQueryData(accountKey(id, '', asOf ?? ''), data);
  const bands = live.model.bands.map((b) => ({ key: b.key, label: b.label, min: b.min, action: b.action }));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AccountClient id={id} bands={bands} me={{ email: user.email, manager: hasRole(user.role, 'manager') }} />
    </HydrationBoundary>
  );
}
