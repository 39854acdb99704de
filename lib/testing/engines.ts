/**
 * Running one integration test on both engines: `describeEngines('cohorts', (t) => { ... })`
 * declares the suite twice, once on a fresh SQLite file and once on a fresh PostgreSQL database
 * (each test gets its own, migrated). `t.store` is the test's store; `t.engine` says which.
 *
 * `TEST_ENGINES=sqlite` (or `postgres`) runs one engine only. PostgreSQL databases are created on
 * TEST_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres) from a
 * template migrated once per test process, and dropped after each test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import { postgresStore, sqliteStore, type Engine, type Store } from '@/lib/server/store';
import { createMigratedDatabase, testDatabaseUrl, withAdmin } from './temp-pg';

export const TEST_ENGINES: Engine[] = (process.env.TEST_ENGINES ?? 'sqlite,postgres')
  .split(',')
  .map((e) => e.trim())
  .filter((e): e is Engine => e === 'sqlite' || e === 'postgres');

export interface EngineTest {
  readonly engine: Engine;
  /** the current test's store (fresh and migrated for each test) */
  readonly store: Store;
  /** the current test's database: a SQLite file path, or a postgres:// URL */
  readonly url: string;
}

let template: Promise<string> | null = null;
let made = 0;
const run = process.env.TRELLIS_TEST_RUN ?? `${process.pid}_${Date.now()}`;

/**
 * A migrated database that test databases are copied from (CREATE DATABASE ... TEMPLATE): the one
 * the run's global setup made (lib/testing/pg-global-setup.ts), else one made here.
 */
function pgTemplate(): Promise<string> {
  template ??= (async () => {
    if (process.env.TRELLIS_PG_TEMPLATE) return process.env.TRELLIS_PG_TEMPLATE;
    const name = `trellis_r${run}_tpl`;
    await createMigratedDatabase(name);
    return name;
  })();
  return template;
}

/** A fresh migrated PostgreSQL database for one test: its URL and how to drop it. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const tpl = await pgTemplate();
  const name = `trellis_r${run}_${process.pid}_${made++}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${tpl}"`));
  return { url: testDatabaseUrl(name), drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined) };
}

/** A fresh migrated SQLite file for one test. */
export function freshSqliteFile(): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-test-'));
  return { file: path.join(dir, 'test.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a fresh, migrated store on `engine`; `dispose` closes and removes it. */
export async function freshStore(engine: Engine): Promise<{ store: Store; url: string; dispose: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const { file, remove } = freshSqliteFile();
    const store = sqliteStore(file);
    return { store, url: file, dispose: async () => { await store.close(); remove(); } };
  }
  const { url, drop } = await freshPgDatabase();
  const store = await postgresStore(url, { migrate: false, poolSize: 4 });
  return { store, url, dispose: async () => { await store.close(); await drop(); } };
}

/**
 * Declares `body` once per engine (see the module's comment). `options.engines` narrows it for
 * behaviour that exists on one engine only (a SQLite file's backup, say).
 */
export function describeEngines(name: string, body: (t: EngineTest) => void, options: { engines?: Engine[] } = {}): void {
  const engines = TEST_ENGINES.filter((e) => !options.engines || options.engines.includes(e));
  for (const engine of engines) {
    describe(`${name} [${engine}]`, () => {
      let current: Awaited<ReturnType<typeof freshStore>> | null = null;
      const t: EngineTest = {
        engine,
        get store() {
          if (!current) throw new Error('The store is only open while a test runs');
          return current.store;
        },
        get url() {
          if (!current) throw new Error('The store is only open while a test runs');
          return current.url;
        },
      };
      beforeEach(async () => {
        current = await freshStore(engine);
      });
      afterEach(async () => {
        await current?.dispose();
        current = null;
      });
      body(t);
    });
  }
}
