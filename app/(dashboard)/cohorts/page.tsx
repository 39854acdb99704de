import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Cohorts' };

export default async function Page() {
  await requirePageRole('manager', '/cohorts');
  return (
    <>
      <PageHeader title="Cohorts" />
      <NotBuilt what="Retention by score quartile, band, tier and start month will be compared here." />
    </>
  );
}
