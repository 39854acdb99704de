/**
 * Vitest global setup: when the PostgreSQL engine is tested, migrate one template database for
 * the whole run (each test copies it) and, at the end, drop it and every database the run made.
 * Database names carry the run's id, so that runs side by side on one server never touch each
 * other's databases.
 */
import pg from 'pg';
import { migrateAllPostgres } from '@/lib/server/store';
import { TEST_DATABASE_URL } from './temp-pg';

function serverUrl(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export default async function setup(): Promise<(() => Promise<void>) | void> {
  const engines = (process.env.TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
  if (!engines.includes('postgres')) return;
  const run = `${process.pid}_${Date.now()}`;
  const template = `trellis_r${run}_tpl`;
  await admin((c) => c.query(`CREATE DATABASE "${template}"`));
  await migrateAllPostgres(serverUrl(template));
  process.env.TRELLIS_TEST_RUN = run;
  process.env.TRELLIS_PG_TEMPLATE = template;
  return async () => {
    await admin(async (c) => {
      const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`trellis_r${run}_%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  };
}
