import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Import' };

export default async function Page() {
  await requirePageRole('admin', '/admin/import');
  return (
    <>
      <PageHeader title="Import" />
      <NotBuilt what="CSV import of accounts, contacts, events and outcomes will be here." />
    </>
  );
}
