import type { Metadata } from 'next';
import { CatalogueEditor } from '@/components/admin/catalogue-editor';
import { TriggerAliases } from '@/components/admin/trigger-aliases';
import { PageHeader } from '@/components/ui/page-header';
import { getDb } from '@/db/client';
import { listFeatureCatalogue, listTriggerCatalogue } from '@/lib/server/commands/catalogue-admin';
import { listActiveTriggers, listAliases, listUnmappedNames } from '@/lib/server/queries/triggers';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Triggers' };

export default async function Page() {
  await requirePageRole('admin', '/admin/triggers');
  const db = getDb();
  return (
    <>
      <PageHeader title="Triggers" />
      <div className="space-y-6">
        <CatalogueEditor kind="trigger" rows={listTriggerCatalogue(db)} />
        <TriggerAliases aliases={listAliases(db)} triggers={listActiveTriggers(db)} unmapped={listUnmappedNames(db)} />
        <CatalogueEditor kind="feature" rows={listFeatureCatalogue(db)} />
      </div>
    </>
  );
}
