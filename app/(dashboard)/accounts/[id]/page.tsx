import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { accountKey } from '@/lib/queries/account';
import { ensureLiveModel } from '@/lib/server/commands/model';
import { accountPage } from '@/lib/server/queries/account-page';
import { requirePageRole } from '@/lib/server/session';
import { AccountClient } from './client';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  await requirePageRole('csm', `/accounts/${raw}`);
  const db = getDb();
  const data = accountPage(db, id);
  if (!data) notFound();
  const queryClient = new QueryClient();
  queryClient.setQueryData(accountKey(id, ''), data);
  const bands = ensureLiveModel(db).model.bands.map((b) => ({ key: b.key, label: b.label, min: b.min, action: b.action }));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AccountClient id={id} bands={bands} />
    </HydrationBoundary>
  );
}
