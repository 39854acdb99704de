import type { Metadata } from 'next';
import { RunsTable } from '@/components/import/runs-table';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { listImportRuns } from '@/lib/server/queries/import-runs';
import { requirePageRole } from '@/lib/server/session';
import { ImportClient } from './client';

export const metadata: Metadata = { title: 'Import' };

export default async function Page() {
  await requirePageRole('admin', '/admin/import');
  const runs = await listImportRuns(await getStore());
  return (
    <>
      <PageHeader title="Import" description="Load accounts, contacts, events or outcomes from a CSV file. The whole file is checked first with the same rules as the API; nothing is written while rows have problems unless you choose to skip them." />
      <div className="space-y-8">
        <ImportClient />
        <section aria-labelledby="runs-heading" className="space-y-3">
          <h2 id="runs-heading" className="text-base font-semibold text-gray-900">Recent imports</h2>
          <RunsTable runs={runs} />
        </section>
      </div>
    </>
  );
}
