/**
 * Opening and migrating the SQLite file with the connection settings of every process: the storage
 * layer's SQLite store (lib/server/store) opens its file here, and so do the scripts that read a
 * running server's file on a read-only connection of their own (the crash test, bench-ingest).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const DEFAULT_DATABASE_FILE = './data/trellis.db';

/** `DATABASE_URL` is `file:<path>` or a plain path; default ./data/trellis.db. */
export function databaseFile(url = process.env.DATABASE_URL): string {
  if (!url) return path.resolve(DEFAULT_DATABASE_FILE);
  if (url.startsWith('file:')) return path.resolve(url.slice('file:'.length));
  if (/^[a-z]+:\/\//i.test(url)) {
    throw new Error(`DATABASE_URL must be a SQLite file (file:./data/trellis.db), got a ${url.split(':')[0]} URL`);
  }
  return path.resolve(url);
}

export function migrationsFolder(): string {
  return path.resolve(process.cwd(), 'db/migrations');
}

export function openDatabase(file = databaseFile(), options: { readonly?: boolean } = {}): Db {
  if (!options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { readonly: options.readonly ?? false });
  sqlite.pragma('journal_mode = WAL');
  // FULL: every commit is synced to disk before it returns, so what was answered (an event batch's
  // 200) survives a power loss; with WAL, NORMAL would only guarantee consistency, not durability.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint every ~40 MB of WAL instead of every 4 MB: event batches and rescores rewrite the
  // same hot pages (today's aggregates, current scores) many times between two checkpoints, which
  // then copy each page once. Measured: a 500-event batch's commit 34 ms -> 8 ms (p50).
  sqlite.pragma('wal_autocheckpoint = 10000');
  sqlite.pragma('cache_size = -65536'); // 64 MiB page cache
  sqlite.pragma('temp_store = MEMORY');
  return drizzle(sqlite, { schema }) as Db;
}

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: migrationsFolder() });
}
