'use server';

import { addAliasSchema, removeAliasSchema } from '@/lib/admin-schemas';
import { action } from '@/lib/server/action';
import { addTriggerAlias, removeTriggerAlias } from '@/lib/server/commands/trigger-aliases';

const PATH = '/admin/triggers';

export const addAliasAction = action('admin', addAliasSchema, async (input, { db, user, ip }) => {
  await addTriggerAlias(db, input, { actor: user.email, actorUserPk: user.pk, ip });
  return input;
}, { revalidate: PATH });

export const removeAliasAction = action('admin', removeAliasSchema, async ({ name }, { db, user, ip }) => {
  await removeTriggerAlias(db, name, { actor: user.email, actorUserPk: user.pk, ip });
  return { name };
}, { revalidate: PATH });
