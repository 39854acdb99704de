import type { Metadata } from 'next';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'API keys' };

export default async function Page() {
  await requirePageRole('admin', '/admin/api-keys');
  return (
    <>
      <PageHeader title="API keys" />
      <NotBuilt what="API keys will be created and revoked here. Until then use npm run apikey." />
    </>
  );
}
