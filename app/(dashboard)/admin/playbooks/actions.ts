'use server';

import { z } from 'zod';
import { action, type ActionContext } from '@/lib/server/action';
import { createPlaybook, savePlaybook, setPlaybookActive } from '@/lib/server/commands/playbooks';
import { refreshAllProgramme } from '@/lib/server/commands/programme';

const PATH = '/admin/playbooks';
const actor = ({ user, ip }: ActionContext) => ({ actor: user.email, actorUserPk: user.pk, ip });

/** Creates a playbook (`create`: refused when its key is taken) or changes the one with its key (`edit`). */
export const savePlaybookAction = action(
  'admin',
  z.object({
    mode: z.enum(['create', 'edit'], { error: 'Say whether the playbook is new' }),
    playbook: z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'Send the playbook to save'),
  }),
  async ({ mode, playbook }, ctx) => (mode === 'create' ? createPlaybook(ctx.db, playbook, actor(ctx)) : savePlaybook(ctx.db, playbook, actor(ctx))),
  { revalidate: PATH },
);

export const setPlaybookActiveAction = action(
  'admin',
  z.object({ key: z.string().trim().min(1, 'Name the playbook').max(60), active: z.boolean({ error: 'Say whether it is on or off' }) }),
  async ({ key, active }, ctx) => {
    await setPlaybookActive(ctx.db, key, active, actor(ctx));
    return { key, active };
  },
  { revalidate: PATH },
);

/** Judges every account against the playbooks now, rather than at the next sweep. */
export const runPlaybooksNowAction = action('admin', z.object({}), async (_input, { db }) => refreshAllProgramme(db), { revalidate: PATH });
