import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { listPlaybooks, playbookFormOptions, recentFirings } from '@/lib/server/queries/playbooks';
import { requirePageRole } from '@/lib/server/session';
import { PlaybooksClient } from './client';

export const metadata: Metadata = { title: 'Playbooks' };
export const dynamic = 'force-dynamic';

/** Managers see the playbooks and what they fired; admins also create, change and switch them. */
export default async function Page() {
  const user = await requirePageRole('manager', '/admin/playbooks');
  const db = await getStore();
  const [playbooks, firings, options] = await Promise.all([listPlaybooks(db), recentFirings(db), playbookFormOptions(db)]);
  return (
    <>
      <PageHeader
        title="Playbooks"
        description="Rules that turn a score into action: when a condition starts to hold on an account, its owner gets the playbook's steps as tasks, once per episode. A change applies at the next sweep (every 5 minutes) or rescore."
      />
      <PlaybooksClient canEdit={user.role === 'admin'} playbooks={playbooks} firings={firings} options={options} />
    </>
  );
}
