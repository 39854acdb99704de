'use server';

import { createApiKeySchema, revokeApiKeySchema } from '@/lib/admin-schemas';
import { action } from '@/lib/server/action';
import { createApiKey, revokeApiKey } from '@/lib/server/commands/api-keys';

const PATH = '/admin/api-keys';

export const createApiKeyAction = action('admin', createApiKeySchema, (input, { db, user, ip }) => {
  const created = createApiKey(db, input, { actor: user.email, actorUserPk: user.pk, ip });
  return { name: created.name, scope: created.scope, prefix: created.prefix, key: created.key };
}, { revalidate: PATH });

export const revokeApiKeyAction = action('admin', revokeApiKeySchema, ({ pk }, { db, user, ip }) => {
  revokeApiKey(db, pk, { actor: user.email, actorUserPk: user.pk, ip });
  return { pk };
}, { revalidate: PATH });
