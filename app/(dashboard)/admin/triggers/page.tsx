import type { Metadata } from 'next';
import { CatalogueEditor } from '@/components/admin/catalogue-editor';
import { TriggerAliases } from '@/components/admin/trigger-aliases';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { listFeatureCatalogue, listTriggerCatalogue } from '@/lib/server/commands/catalogue-admin';
import { listActiveTriggers, listAliases, listUnmappedNames } from '@/lib/server/queries/triggers';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Triggers' };

export default async function Page() {
  await requirePageRole('admin', '/admin/triggers');
  const db = await getStore();
  const [triggerCatalogue, aliases, triggers, unmapped, featureCatalogue] = await Promise.all([
    listTriggerCatalogue(db),
    listAliases(db),
    listActiveTriggers(db),
    listUnmappedNames(db),
    listFeatureCatalogue(db),
  ]);
  return (
    <>
      <PageHeader title="Triggers" />
      <div className="space-y-6">
        <CatalogueEditor kind="trigger" rows={triggerCatalogue} />
        <TriggerAliases aliases={aliases} triggers={triggers} unmapped={unmapped} />
        <CatalogueEditor kind="feature" rows={featureCatalogue} />
      </div>
    </>
  );
}
