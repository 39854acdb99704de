import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { hasRole } from '@/lib/roles';
import { experimentFormOptions, listExperiments } from '@/lib/server/queries/experiments';
import { requirePageRole } from '@/lib/server/session';
import { ExperimentsClient } from './client';

export const metadata: Metadata = { title: 'Experiments' };
export const dynamic = 'force-dynamic';

/** Everyone reads the experiments and their reports; managers and admins define and stop them. */
export default async function Page() {
  const user = await requirePageRole('csm', '/experiments');
  const db = await getStore();
  const canCreate = hasRole(user.role, 'manager');
  const [experiments, options] = await Promise.all([listExperiments(db), canCreate ? experimentFormOptions(db) : null]);
  return (
    <>
      <PageHeader
        title="Experiments"
        description="Test an engagement programme before rolling it out: accounts are assigned at random to arms, each arm runs its own cadence and playbooks, and the report says what changed (score, churn, expansion, NPS, CSM time) and how sure we can be."
      />
      <ExperimentsClient experiments={experiments} options={options} />
    </>
  );
}
