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
import { eq } from 'drizzle-orm';
import { migratePostgres, openPostgres, redactUrl } from './postgres';
import { accounts, aggPacked, scores, webhooks } from './schema.pg';

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

  it('reads and writes through Drizzle: JSON as text, booleans, bytea, bigint ids as numbers', async () => {
    const d = openPostgres(db.url);
    try {
      const [account] = await d.insert(accounts).values({ id: 'acme', name: 'Acme', attributes: { plan: 'gold', seats: 12 }, startedAt: 1_733_000_000_000 }).returning();
      expect(account).toMatchObject({ pk: 1, attributes: { plan: 'gold', seats: 12 }, startedAt: 1_733_000_000_000, arr: 0 });
      expect(typeof account.createdAt).toBe('number');
      expect(await rows(db.url, 'SELECT attributes FROM accounts')).toEqual([{ attributes: '{"plan":"gold","seats":12}' }]);
      await d.insert(webhooks).values({ url: 'https://h.example.com', secret: 's', events: ['band_drop', 'red_flag'] });
      expect(await d.select({ events: webhooks.events, active: webhooks.active }).from(webhooks)).toEqual([{ events: ['band_drop', 'red_flag'], active: 1 }]);
      const blob = Buffer.from([0, 1, 2, 254, 255]);
      await d.insert(aggPacked).values({ accountPk: account.pk, block: 2_500, data: blob });
      const [packed] = await d.select().from(aggPacked).where(eq(aggPacked.accountPk, account.pk));
      expect(Buffer.from(packed.data).equals(blob)).toBe(true);
      await d.insert(scores).values({ accountPk: account.pk, modelVersion: 1, asOf: 0, state: 'scored', score: 71.25, partial: 1, computedAt: 0, dimensions: { usage: 80, breadth: null } });
      const [score] = await d.select().from(scores);
      expect(score).toMatchObject({ score: 71.25, partial: 1, belowTarget: 0, dimensions: { usage: 80, breadth: null } });
    } finally {
      await d.$client.end();
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
