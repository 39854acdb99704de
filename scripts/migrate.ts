/**
 * npm run db:migrate: brings DATABASE_URL up to date. A `postgres://` URL gets the PostgreSQL
 * migrations (db/migrations-pg); a `file:` URL or none the SQLite ones (db/migrations), with the
 * default catalogue and model.
 */
import { databaseFile } from '@/db/open';
import { isPostgresUrl, migratePostgres, redactUrl } from '@/db/postgres';
import { openMigratedDatabase, run } from './cli';

run(async () => {
  const url = process.env.DATABASE_URL;
  if (isPostgresUrl(url)) {
    await migratePostgres(url);
    console.log(`Database migrated: ${redactUrl(url)}`);
    return;
  }
  const db = openMigratedDatabase();
  db.$client.close();
  console.log(`Database migrated: ${databaseFile()}`);
});
