/**
 * npm run user -- create --email E --role csm|manager|admin [--password P | password on stdin | --sso-only]
 * npm run user -- list
 */
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '@/lib/roles';
import { upsertUser } from '@/lib/server/commands/users';
import { listUsers } from '@/lib/server/queries/users';
import { readStdin, run, UsageError, withMigratedStore } from './cli';

const USAGE = `usage:
  npm run user -- create --email E --role csm|manager|admin [--password P]   (or the password on stdin)
  npm run user -- create --email E --role csm|manager|admin --sso-only       (no password: single sign-on only)
  npm run user -- list`;

run(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, 'sso-only': { type: 'boolean' } },
  });
  const [command] = positionals;
  if (command === 'list') {
    await withMigratedStore(async (db) => {
      for (const u of await listUsers(db)) console.log(`${u.email}\t${u.role}${u.disabledAt ? '\tdisabled' : ''}`);
    });
    return;
  }
  if (command !== 'create') throw new UsageError(USAGE);
  if (!values.email) throw new UsageError(`--email is required\n${USAGE}`);
  if (!isRole(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
  let password = values.password ?? null;
  if (values['sso-only']) {
    if (password !== null) throw new UsageError(`--sso-only and --password exclude each other\n${USAGE}`);
  } else {
    if (password === null && !process.stdin.isTTY) password = (await readStdin()).replace(/\r?\n$/, '');
    if (!password) throw new UsageError(`a password is required (--password or on stdin), or --sso-only\n${USAGE}`);
  }
  const input = { email: values.email, role: values.role, password, name: values.name ?? null };
  const result = await withMigratedStore((db) => upsertUser(db, input, { actor: 'cli' }));
  console.log(`${result.created ? 'Created' : 'Updated'} ${result.email} (${values.role})`);
});
