import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Users' };

export default async function Page() {
  await requirePageRole('admin', '/admin/users');
  return (
    <>
      <PageHeader title="Users" />
      <NotBuilt what="Users and their roles will be managed here. Until then use npm run user." />
    </>
  );
}
