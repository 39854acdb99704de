/**
 * Vitest global setup: when the PostgreSQL engine is tested, migrate one template database for
 * the whole run (each test copies it) and, at the end, drop it and every database the run made.
 * Database names carry the run's id, so that runs side by side on one server never touch each
 * other's databases.
 */
import { createMigratedDatabase, withAdmin } from './temp-pg';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  const engines = (process.env.TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
  if (!engines.includes('postgres')) return;
  const run = `${process.pid}_${Date.now()}`;
  const template = `trellis_r${run}_tpl`;
  await createMigratedDatabase(template);
  process.env.TRELLIS_TEST_RUN = run;
  process.env.TRELLIS_PG_TEMPLATE = template;
  return async () => {
    await withAdmin(async (c) => {
      const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`trellis_r${run}_%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  };
}
