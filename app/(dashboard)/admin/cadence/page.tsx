import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { liveCadence } from '@/lib/server/commands/cadence';
import { cadenceTriggers, cadenceVersions, complianceByTier } from '@/lib/server/queries/cadence-admin';
import { requirePageRole } from '@/lib/server/session';
import { CadenceClient } from './client';

export const metadata: Metadata = { title: 'Cadence' };
export const dynamic = 'force-dynamic';

/** Managers see the cadence and its effect; admins also edit and publish it. */
export default async function Page() {
  const user = await requirePageRole('manager', '/admin/cadence');
  const db = await getStore();
  const [live, versions, compliance, triggers] = await Promise.all([liveCadence(db), cadenceVersions(db), complianceByTier(db), cadenceTriggers(db)]);
  return (
    <>
      <PageHeader
        title="Cadence"
        description="The touchpoints each tier calls for, how often, and which events count as one. An account is on cadence while none of its items is overdue; the owner gets a task when a playbook watches for it."
      />
      <CadenceClient
        canEdit={user.role === 'admin'}
        live={{ version: live.version, cadence: live.cadence }}
        versions={versions}
        compliance={compliance}
        triggers={triggers}
      />
    </>
  );
}
