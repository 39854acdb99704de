import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { oidcEnabled } from '@/lib/auth';
import { listUsers } from '@/lib/server/queries/users';
import { requirePageRole } from '@/lib/server/session';
import { UsersClient } from './client';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const me = await requirePageRole('admin', '/admin/users');
  const users = (await listUsers(await getStore())).map((u) => ({
    ...u,
    lastLoginAt: u.lastLoginAt ? new Date(u.lastLoginAt).toISOString() : null,
    disabled: !!u.disabledAt,
  }));
  return (
    <>
      <PageHeader title="Users" description="Who can sign in, and what they may do. CSMs see their accounts and alerts; managers also trends and cohorts; admins also the model, triggers, users, API keys, imports and webhooks." />
      <UsersClient users={users} me={me.pk} sso={oidcEnabled()} />
    </>
  );
}
