import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { getStore } from '@/db/client';
import { hasRole } from '@/lib/roles';
import { myDayKey, shownFromUrl } from '@/lib/queries/my-day';
import { listOwners } from '@/lib/server/queries/accounts';
import { myDay, myDayOwner } from '@/lib/server/queries/my-day';
import { listUsers } from '@/lib/server/queries/users';
import { requirePageRole } from '@/lib/server/session';
import { MyDayClient } from './client';

export const metadata: Metadata = { title: 'My day' };

export default async function MyDayPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageRole('csm', '/my-day');
  const params = await searchParams;
  const manager = hasRole(user.role, 'manager');
  // A CSM's day is their own whatever the URL says; managers and admins may pick a CSM or everyone.
  const ownerParam = manager && typeof params.owner === 'string' ? params.owner : '';
  // How many of the accounts past the budget to list: none until "Show all", then a page at a time.
  const shown = shownFromUrl(typeof params.all === 'string' ? params.all : undefined, typeof params.shown === 'string' ? params.shown : undefined);
  const db = await getStore();
  const [day, owners, users] = await Promise.all([
    myDay(db, { owner: myDayOwner(ownerParam || undefined, user), rest: shown || undefined }),
    manager ? listOwners(db) : Promise.resolve([]),
    manager ? listUsers(db) : Promise.resolve([]),
  ]);
  const assignees = users.filter((u) => u.role === 'csm' && !u.disabledAt).map((u) => ({ email: u.email, name: u.name }));
  const queryClient = new QueryClient();
  queryClient.setQueryData(myDayKey(ownerParam, shown), day);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <MyDayClient me={user.email} role={user.role} owners={owners} assignees={assignees} />
    </HydrationBoundary>
  );
}
