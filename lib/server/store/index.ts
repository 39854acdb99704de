/**
 * Opening the storage layer for a `DATABASE_URL`: a SQLite file (`file:./data/trellis.db`, a plain
 * path, or nothing: ./data/trellis.db) or a PostgreSQL database (`postgres://...`). Both are
 * migrated to the newest schema before they are answered.
 */
import pg from 'pg';
import { databaseFile, migrateDatabase, openDatabase } from '@/db/open';
import { isPostgresUrl, migratePostgres } from '@/db/postgres';
import { PostgresStore, pgTypes } from './postgres';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export type { Engine, Row, SqlParam, SqlParams, Store, TxOptions } from './types';
export type { Dialect } from './dialect';
export { SqliteStore } from './sqlite';
export { PostgresStore } from './postgres';

export interface OpenOptions {
  /** apply the migrations the database lacks (default true) */
  migrate?: boolean;
  /** PostgreSQL: the most connections this process holds (default 10) */
  poolSize?: number;
}

/** A SQLite store on an open better-sqlite3 connection (Drizzle's driver; see db/open.ts). */
export function sqliteStore(file: string, options: OpenOptions = {}): SqliteStore {
  const db = openDatabase(file);
  if (options.migrate ?? true) migrateDatabase(db);
  return new SqliteStore(db.$client);
}

/** A PostgreSQL store on a node-postgres pool. */
export async function postgresStore(url: string, options: OpenOptions = {}): Promise<PostgresStore> {
  if (options.migrate ?? true) await migratePostgres(url);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: pgTypes });
  return new PostgresStore(pool);
}

export async function openStore(url = process.env.DATABASE_URL, options: OpenOptions = {}): Promise<Store> {
  return isPostgresUrl(url) ? postgresStore(url, options) : sqliteStore(databaseFile(url), options);
}
