/**
 * Migrating PostgreSQL: `npm run db:migrate` with a postgres:// DATABASE_URL, twice and at once,
 * against the local server of TEST_DATABASE_URL.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempPgDatabase } from '@/lib/testing/temp-pg';
import { migratePostgres, redactUrl } from './postgres';

const exec = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');

async function rows<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('migrating PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTempPgDatabase>>;
  beforeAll(async () => {
    db = await createTempPgDatabase();
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  it('npm run db:migrate applies db/migrations-pg for a postgres:// URL, without printing the password', async () => {
    // Trust authentication ignores the password: it is only there to be hidden in the output.
    const url = new URL(db.url);
    url.password = 'hunter2';
    const { stdout } = await exec(TSX, ['scripts/migrate.ts'], { env: { ...process.env, DATABASE_URL: url.toString() } });
    expect(stdout).toContain(`Database migrated: ${redactUrl(url.toString())}`);
    expect(stdout).not.toContain('hunter2');
    const tables = await rows<{ table_name: string }>(db.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['accounts', 'events', 'agg_packed', 'scores', 'settings']));
  });

  it('is idempotent, also when two processes migrate at once', async () => {
    await Promise.all([migratePostgres(db.url), migratePostgres(db.url), migratePostgres(db.url)]);
    const applied = await rows<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    const journal = (await import('./migrations-pg/meta/_journal.json')).default as { entries: unknown[] };
    expect(applied[0].n).toBe(journal.entries.length);
  });

  it('migrates two fresh databases at once without error', async () => {
    const other = await createTempPgDatabase();
    try {
      await Promise.all([migratePostgres(other.url), migratePostgres(other.url)]);
      expect(await rows(other.url, 'SELECT count(*)::int AS n FROM accounts')).toEqual([{ n: 0 }]);
    } finally {
      await other.cleanup();
    }
  });

  it('says which database it cannot reach', async () => {
    const failed = await exec(TSX, ['scripts/migrate.ts'], { env: { ...process.env, DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:1/nowhere' } }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^error: cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere: connect ECONNREFUSED/m);
  });
});
