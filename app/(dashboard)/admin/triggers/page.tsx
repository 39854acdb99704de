import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Triggers' };

export default async function Page() {
  await requirePageRole('admin', '/admin/triggers');
  return (
    <>
      <PageHeader title="Triggers" />
      <NotBuilt what="The trigger and feature catalogue will be edited here." />
    </>
  );
}
