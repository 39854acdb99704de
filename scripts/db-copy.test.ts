/**
 * npm run db:copy against the local PostgreSQL (TEST_DATABASE_URL): a seeded demo database is
 * copied into a fresh database, checked table by table, and differences are found.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import type { SqliteStore } from '@/lib/server/store';
import { freshStore } from '@/lib/testing/engines';
import { createTempPgDatabase } from '@/lib/testing/temp-pg';
import { compareDatabases, copyDatabase, copyPlan, formatReport, parseCopyArgs, prepareTarget, type TableReport } from './db-copy';
import { runSeed } from './seed';

const exec = promisify(execFile);
const quiet = () => {};
const TSX = path.resolve('node_modules/.bin/tsx');

type TempPg = Awaited<ReturnType<typeof createTempPgDatabase>>;
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function tempPg(): Promise<TempPg> {
  const t = await createTempPgDatabase();
  cleanups.push(t.cleanup);
  return t;
}
/** A fresh migrated SQLite database: db:copy reads the file itself (its exact integers, its sequences). */
async function tempSqlite(): Promise<{ db: SqliteStore; file: string }> {
  const t = await freshStore('sqlite');
  cleanups.push(t.dispose);
  return { db: t.store as SqliteStore, file: t.url };
}
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const pgValue = async <T>(url: string, sql: string, params: unknown[] = []) => withClient(url, async (c) => (await c.query(sql, params)).rows[0] as T);
/** JSON text with non-ASCII characters and an escaped NUL (which PostgreSQL text holds as six characters). */
const NOTE = JSON.stringify('ünïcødé ✓ \u0000 nul');
const byTable = (reports: TableReport[]) => Object.fromEntries(reports.map((r) => [r.table, r]));

describe('db:copy', () => {
  let source: SqliteStore;
  let sourceFile: string;
  let target: TempPg;
  let reports: TableReport[];
  /** the highest event pk SQLite has handed out (its last event is deleted before the copy) */
  let eventSequence: number;

  beforeAll(async () => {
    const s = await tempSqlite();
    source = s.db;
    sourceFile = s.file;
    await prepareDatabase(source);
    await runSeed(source, { accounts: 30, months: 2, seed: 5, end: new Date('2025-03-01T00:00:00Z'), reset: false, volume: 1, aggregate: true, scores: true }, quiet);
    const c = source.client;
    c.prepare("INSERT INTO webhooks (url, secret, events, active) VALUES ('https://hooks.example.com/a', 's3cret', '[\"band_drop\"]', 0)").run();
    c.prepare("INSERT INTO settings (key, value) VALUES ('note', ?)").run(NOTE);
    eventSequence = c.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as number;
    c.prepare('DELETE FROM events WHERE pk = ?').run(eventSequence);
    target = await tempPg();
    reports = await copyDatabase(source, parseCopyArgs(['--to', target.url, '--batch', '500']), quiet);
  });

  it('copies every table and finds them equal', async () => {
    expect(reports.map((r) => r.table).sort()).toEqual(copyPlan().map((t) => t.name).sort());
    expect(reports.filter((r) => !r.equal)).toEqual([]);
    const t = byTable(reports);
    const count = (table: string) => source.client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    for (const table of ['accounts', 'contacts', 'events', 'outcomes', 'agg_packed', 'agg_names', 'scores', 'score_snapshots', 'model_versions', 'triggers', 'webhooks', 'settings']) {
      expect(count(table), table).toBeGreaterThan(0);
      expect(t[table].sourceRows, table).toBe(count(table));
      expect(Number((await pgValue<{ n: string }>(target.url, `SELECT count(*) AS n FROM ${table}`)).n), table).toBe(count(table));
    }
    expect(t.accounts.sourceRows).toBe(30);
    expect(formatReport(reports)).toContain(`All ${reports.length} tables equal.`);
  });

  it('keeps blobs, 0/1 flags, doubles and JSON text exactly', async () => {
    const blob = source.client.prepare('SELECT account_pk, block, data FROM agg_packed ORDER BY account_pk, block LIMIT 1').get() as { account_pk: number; block: number; data: Buffer };
    const copied = await pgValue<{ data: Buffer }>(target.url, 'SELECT data FROM agg_packed WHERE account_pk = $1 AND block = $2', [blob.account_pk, blob.block]);
    expect(Buffer.isBuffer(copied.data)).toBe(true);
    expect(copied.data.equals(blob.data)).toBe(true);

    expect(await pgValue(target.url, "SELECT active FROM webhooks WHERE url = 'https://hooks.example.com/a'")).toEqual({ active: '0' });
    const score = source.client.prepare("SELECT account_pk, score, partial, dimensions FROM scores WHERE state = 'scored' ORDER BY account_pk LIMIT 1").get() as { account_pk: number; score: number; partial: number; dimensions: string };
    expect(await pgValue(target.url, 'SELECT score, partial, dimensions FROM scores WHERE account_pk = $1', [score.account_pk])).toEqual({
      score: score.score,
      partial: String(score.partial),
      dimensions: score.dimensions,
    });
    expect(await pgValue(target.url, "SELECT value FROM settings WHERE key = 'note'")).toEqual({ value: NOTE });
  });

  it('keeps the ids and continues each sequence after SQLite\'s highest id', async () => {
    const account = source.client.prepare('SELECT pk, id FROM accounts ORDER BY pk DESC LIMIT 1').get() as { pk: number; id: string };
    expect(await pgValue(target.url, 'SELECT id FROM accounts WHERE pk = $1', [account.pk])).toEqual({ id: account.id });
    // The last event was deleted: SQLite would not hand its pk out again, and neither does PostgreSQL.
    const inserted = await pgValue<{ pk: string }>(
      target.url,
      "INSERT INTO events (account_pk, type, occurred_at) VALUES ($1, 'login', 0) RETURNING pk",
      [account.pk],
    );
    expect(Number(inserted.pk)).toBe(eventSequence + 1);
    const version = await pgValue<{ version: string }>(target.url, "INSERT INTO model_versions (model, author) VALUES ('{}', 'test') RETURNING version");
    const maxVersion = source.client.prepare('SELECT max(version) FROM model_versions').pluck().get() as number;
    expect(Number(version.version)).toBe(maxVersion + 1);
    await withClient(target.url, (c) => c.query('DELETE FROM events WHERE pk = $1', [inserted.pk]));
    await withClient(target.url, (c) => c.query('DELETE FROM model_versions WHERE version = $1', [version.version]));
  });

  it('refuses a target that already holds data', async () => {
    await expect(prepareTarget(target.url)).rejects.toThrow(/already holds data \(.*accounts: 30 rows.*\); db:copy only fills an empty database/);
  });

  it('finds a missing row and a changed value', async () => {
    const deleted = await withClient(target.url, async (c) => {
      const { rows } = await c.query<{ pk: string }>('DELETE FROM events WHERE pk = (SELECT min(pk) FROM events) RETURNING pk');
      await c.query("UPDATE scores SET band = 'changed' WHERE account_pk = (SELECT min(account_pk) FROM scores)");
      return rows[0].pk;
    });
    expect(deleted).toBeDefined();
    const after = byTable(await compareDatabases(source, target.url, { log: quiet }));
    expect(after.events).toMatchObject({ equal: false, targetRows: after.events.sourceRows - 1 });
    expect(after.scores.equal).toBe(false);
    expect(after.scores.targetRows).toBe(after.scores.sourceRows);
    expect(after.scores.targetChecksum).not.toBe(after.scores.sourceChecksum);
    expect(Object.values(after).filter((r) => !r.equal).map((r) => r.table).sort()).toEqual(['events', 'scores']);
    const text = formatReport(Object.values(after));
    expect(text).toMatch(/^events\s+[\d,]+\s+[\d,]+\s+DIFFERENT \(row counts\)$/m);
    expect(text).toMatch(/^scores\s+30\s+30\s+DIFFERENT \(/m);
    expect(text).toContain('2 of');
  });

  it('runs from the command line: copies into an empty database, refuses a filled one', async () => {
    const fresh = await tempPg();
    const env = { ...process.env, DATABASE_URL: `file:${sourceFile}` };
    const ok = await exec(TSX, ['scripts/db-copy.ts', '--to', fresh.url], { env });
    expect(ok.stdout).toContain(`All ${copyPlan().length} tables equal.`);
    expect(ok.stdout).toMatch(/^events\s+[\d,]+\s+[\d,]+\s+equal [0-9a-f]{16}$/m);
    const refused = await exec(TSX, ['scripts/db-copy.ts', '--to', fresh.url], { env }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/^error: the target database .* already holds data/m);
  });

  it('rejects a missing or non-PostgreSQL --to and a bad --batch', () => {
    expect(() => parseCopyArgs([])).toThrow(/--to is required/);
    expect(() => parseCopyArgs(['--to', 'file:./x.db'])).toThrow(/--to must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => parseCopyArgs(['--to', 'postgres://h/db', '--batch', '0'])).toThrow(/--batch must be an integer from 1 to 65535/);
  });
});

describe('db:copy with values PostgreSQL cannot hold', () => {
  it('names the table, row and column, and writes nothing', async () => {
    const { db } = await tempSqlite();
    await prepareDatabase(db);
    const target = await tempPg();
    db.client.prepare("INSERT INTO accounts (id, name) VALUES ('acme', 'Acme')").run();
    db.client.prepare("INSERT INTO features (key, label, tier) VALUES ('f1', ?, 'core')").run('Bad\u0000label');
    await expect(copyDatabase(db, { to: target.url, batch: 100 }, quiet)).rejects.toThrow(
      'features row key=f1, column label: the text holds a NUL character, which PostgreSQL text cannot store',
    );
    db.client.prepare("UPDATE features SET label = 'ok'").run();
    db.client.prepare("INSERT INTO events (account_pk, type, occurred_at) VALUES (1, 'login', 'yesterday')").run();
    await expect(copyDatabase(db, { to: target.url, batch: 100 }, quiet)).rejects.toThrow(
      'events row pk=1, column occurred_at: expected an integer, found string "yesterday"',
    );
    // Everything was rolled back: the target is still empty, so a corrected copy goes through.
    expect(await pgValue(target.url, 'SELECT count(*)::int AS n FROM accounts')).toEqual({ n: 0 });
    db.client.prepare('UPDATE events SET occurred_at = 0').run();
    const reports = await copyDatabase(db, { to: target.url, batch: 100 }, quiet);
    expect(reports.every((r) => r.equal)).toBe(true);
  });

  it('says which database it cannot reach', async () => {
    const { db } = await tempSqlite();
    await expect(copyDatabase(db, { to: 'postgres://postgres@127.0.0.1:5432/trellis_no_such_database', batch: 100 }, quiet)).rejects.toThrow(
      /cannot connect to postgres:\/\/postgres@127\.0\.0\.1:5432\/trellis_no_such_database: database "trellis_no_such_database" does not exist/,
    );
  });
});
