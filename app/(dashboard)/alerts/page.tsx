import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Alerts' };

export default async function Page() {
  await requirePageRole('csm', '/alerts');
  return (
    <>
      <PageHeader title="Alerts" />
      <NotBuilt what="New red and yellow flags and band drops for your accounts will appear here." />
    </>
  );
}
