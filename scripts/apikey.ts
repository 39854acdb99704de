/**
 * npm run apikey -- create --name N --scope ingest|read|admin   (prints the key once)
 * npm run apikey -- list
 * npm run apikey -- revoke --id PK
 */
import { parseArgs } from 'node:util';
import { API_KEY_SCOPES, createApiKey, revokeApiKey, type ApiKeyScope } from '@/lib/server/commands/api-keys';
import { run, UsageError, withMigratedStore } from './cli';

const USAGE = `usage:
  npm run apikey -- create --name N --scope ${API_KEY_SCOPES.join('|')}
  npm run apikey -- list
  npm run apikey -- revoke --id ID`;

run(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string' }, id: { type: 'string' } },
  });
  switch (positionals[0]) {
    case 'create': {
      if (!values.name) throw new UsageError(`--name is required\n${USAGE}`);
      if (!(API_KEY_SCOPES as readonly string[]).includes(values.scope ?? '')) throw new UsageError(`--scope must be one of ${API_KEY_SCOPES.join(', ')}\n${USAGE}`);
      const input = { name: values.name, scope: values.scope as ApiKeyScope };
      const created = await withMigratedStore((db) => createApiKey(db, input, { actor: 'cli' }));
      console.error(`Created API key #${created.pk} "${created.name}" (${created.scope}). It is shown once; store it now:`);
      console.log(created.key);
      return;
    }
    case 'list': {
      const keys = await withMigratedStore((db) =>
        db.all<{ pk: number; prefix: string; scope: string; name: string; revokedAt: number | null }>(
          'SELECT pk, prefix, scope, name, revoked_at AS revokedAt FROM api_keys ORDER BY pk',
        ),
      );
      for (const k of keys) console.log(`#${k.pk}\t${k.prefix}…\t${k.scope}\t${k.name}${k.revokedAt ? '\trevoked' : ''}`);
      return;
    }
    case 'revoke': {
      const pk = Number(values.id);
      if (!Number.isInteger(pk)) throw new UsageError(`--id must be a key number (see list)\n${USAGE}`);
      await withMigratedStore((db) => revokeApiKey(db, pk, { actor: 'cli' }));
      console.log(`Revoked API key #${pk}`);
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
});
