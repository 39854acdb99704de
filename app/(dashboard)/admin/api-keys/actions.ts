'use server';

import { createApiKeySchema, revokeApiKeySchema } from '@/lib/admin-schemas';
import { action } from '@/lib/server/action';
import { createApiKey, revokeApiKey } from '@/lib/server/commands/api-keys';

const PATH = '/admin/api-keys';

export const createApiKeyAction = action('admin', createApiKeySchema, async (input, { db, user, ip }) => {
  const created = await createApiKey(db, input, { actor: user.email, actorUserPk: user.pk, ip });
  return { name: created.name, scope: created.scope, prefix: created.prefix, key: created.key };
}, { revalidate: PATH });

export const revokeApiKeyAction = action('admin', revokeApiKeySchema, async ({ pk }, { db, user, ip }) => {
  await revokeApiKey(db, pk, { actor: user.email, actorUserPk: user.pk, ip });
  return { pk };
}, { revalidate: PATH });
