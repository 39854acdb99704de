/**
 * npm run db:migrate: brings DATABASE_URL up to date. A `postgres://` URL gets the PostgreSQL
 * migrations (db/migrations-pg) and the job queue's schema, and no rows, so that `npm run db:copy`
 * can still fill it; a `file:` URL or none the SQLite migrations (db/migrations), with the default
 * catalogue and model.
 */
import { isPostgresUrl, redactUrl } from '@/db/postgres';
import { migrateAllPostgres } from '@/lib/server/store';
import { describeDatabase, run, withMigratedStore } from './cli';

run(async () => {
  const url = process.env.DATABASE_URL;
  if (isPostgresUrl(url)) {
    await migrateAllPostgres(url);
    console.log(`Database migrated: ${redactUrl(url)}`);
    return;
  }
  await withMigratedStore(() => undefined);
  console.log(`Database migrated: ${describeDatabase()}`);
});
