import pg from 'pg';
import { migrateAllPostgres } from '@/lib/server/store';

/** The server on which tests create their databases; the database in the URL is only used to connect. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let created = 0;

/** The URL of `database` on the test server. */
export function testDatabaseUrl(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` with a client connected to the test server (to create and drop databases). */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates `name` on the test server with every migration applied (the app's and the job queue's). */
export async function createMigratedDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  await migrateAllPostgres(testDatabaseUrl(name));
}

/** A new, empty PostgreSQL database with a unique name (trellis_test_<pid>_<time>_<n>), for integration tests. */
export async function createTempPgDatabase(): Promise<{ url: string; name: string; cleanup: () => Promise<void> }> {
  const name = `trellis_test_${process.pid}_${Date.now()}_${created++}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: testDatabaseUrl(name),
    name,
    cleanup: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
