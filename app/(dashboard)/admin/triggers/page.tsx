import type { Metadata } from 'next';
import { TriggerAliases } from '@/components/admin/trigger-aliases';
import { NotBuilt } from '@/components/ui/not-built';
import { PageHeader } from '@/components/ui/page-header';
import { getDb } from '@/db/client';
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
        <TriggerAliases aliases={listAliases(db)} triggers={listActiveTriggers(db)} unmapped={listUnmappedNames(db)} />
        <NotBuilt what="Adding, renaming and retiring triggers and features will be here." />
      </div>
    </>
  );
}
