import type { Metadata } from 'next';
import { after } from 'next/server';
import { PageHeader } from '@/components/ui/page-header';
import { getStore } from '@/db/client';
import { getDraft } from '@/lib/server/commands/model-drafts';
import { ensureLiveModel } from '@/lib/server/commands/model';
import { versionHistory } from '@/lib/server/queries/model-history';
import { defaultPreviewAsOf, warmPreviewInputs } from '@/lib/server/queries/model-preview';
import { suggestDefaults } from '@/lib/server/queries/suggested-model';
import { listTriggerCatalogue } from '@/lib/server/commands/catalogue-admin';
import { listActiveTriggers, listAliases } from '@/lib/server/queries/triggers';
import { requirePageRole } from '@/lib/server/session';
import { ModelEditorClient } from './client';

export const metadata: Metadata = { title: 'Model' };
export const dynamic = 'force-dynamic';

export default async function Page() {
  const user = await requirePageRole('admin', '/admin/model');
  const db = await getStore();
  const [live, draft, versions, triggers, catalogue, aliases, defaults] = await Promise.all([
    ensureLiveModel(db), getDraft(db, user.pk), versionHistory(db), listActiveTriggers(db), listTriggerCatalogue(db), listAliases(db), suggestDefaults(db),
  ]);
  // The first preview would otherwise load every account's inputs while the admin waits.
  after(() => warmPreviewInputs(db));
  return (
    <>
      <PageHeader
        title="Model"
        description="Change the scoring model in a draft, see which accounts would move and whether it would have predicted churn better, then publish it. Every version is kept and can be restored."
      />
      <ModelEditorClient
        live={{ version: live.version, model: live.model }}
        draft={draft ? { baseVersion: draft.baseVersion, text: JSON.stringify(draft.model, null, 2), updatedAt: new Date(draft.updatedAt).toISOString() } : null}
        versions={versions}
        defaultAsOf={defaultPreviewAsOf()}
        triggers={triggers.map((t) => t.key)}
        catalogue={{ keys: catalogue.map((t) => t.key), aliases: aliases.map((a) => [a.name, a.triggerKey]) }}
        suggestDefaults={defaults}
      />
    </>
  );
}
