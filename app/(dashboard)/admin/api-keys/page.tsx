import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { listApiKeys } from '@/lib/server/queries/api-keys';
import { requirePageRole } from '@/lib/server/session';
import { ApiKeysClient } from './client';

export const metadata: Metadata = { title: 'API keys' };

export default async function Page() {
  await requirePageRole('admin', '/admin/api-keys');
  const keys = await listApiKeys(await getStore());
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let other systems send data to Trellis (scope <em>ingest</em>: the REST API and Segment) or read scores (<em>read</em>).
            A key is shown once when it is created; Trellis keeps only its hash. See the <Link href="/admin/api" className="text-accent-strong underline">API reference</Link>.
          </>
        }
      />
      <ApiKeysClient keys={keys} />
    </>
  );
}
