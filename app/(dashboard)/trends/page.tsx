import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Trends' };

export default async function Page() {
  await requirePageRole('manager', '/trends');
  return (
    <>
      <PageHeader title="Trends" />
      <NotBuilt what="Portfolio score and band distribution over time will be charted here." />
    </>
  );
}
