import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Model' };

export default async function Page() {
  await requirePageRole('admin', '/admin/model');
  return (
    <>
      <PageHeader title="Model" />
      <NotBuilt what="The scoring model editor, with preview and backtest before publishing, will be here." />
    </>
  );
}
