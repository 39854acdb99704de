/**
 * npm run apikey -- create --name N --scope ingest|read|admin   (prints the key once)
 * npm run apikey -- list
 * npm run apikey -- revoke --id PK
 */
import { parseArgs } from 'node:util';
import { apiKeys } from '@/db/schema';
import { API_KEY_SCOPES, createApiKey, revokeApiKey, type ApiKeyScope } from '@/lib/server/commands/api-keys';
import { openMigratedDatabase, run, UsageError } from './cli';

const USAGE = `usage:
  npm run apikey -- create --name N --scope ${API_KEY_SCOPES.join('|')}
  npm run apikey -- list
  npm run apikey -- revoke --id ID`;

run(() => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string' }, id: { type: 'string' } },
  });
  const db = openMigratedDatabase();
  switch (positionals[0]) {
    case 'create': {
      if (!values.name) throw new UsageError(`--name is required\n${USAGE}`);
      if (!(API_KEY_SCOPES as readonly string[]).includes(values.scope ?? '')) throw new UsageError(`--scope must be one of ${API_KEY_SCOPES.join(', ')}\n${USAGE}`);
      const created = createApiKey(db, { name: values.name, scope: values.scope as ApiKeyScope }, { actor: 'cli' });
      console.error(`Created API key #${created.pk} "${created.name}" (${created.scope}). It is shown once; store it now:`);
      console.log(created.key);
      return;
    }
    case 'list':
      for (const k of db.select().from(apiKeys).all()) {
        console.log(`#${k.pk}\t${k.prefix}…\t${k.scope}\t${k.name}${k.revokedAt ? '\trevoked' : ''}`);
      }
      return;
    case 'revoke': {
      const pk = Number(values.id);
      if (!Number.isInteger(pk)) throw new UsageError(`--id must be a key number (see list)\n${USAGE}`);
      revokeApiKey(db, pk, { actor: 'cli' });
      console.log(`Revoked API key #${pk}`);
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
});
