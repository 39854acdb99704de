/**
 * Opening the storage layer for a `DATABASE_URL`: a SQLite file (`file:./data/trellis.db`, a plain
 * path, or nothing: ./data/trellis.db) or a PostgreSQL database (`postgres://...`). Both are
 * migrated to the newest schema before they are answered.
 */
import pg from 'pg';
import { databaseFile, migrateDatabase, openDatabase } from '@/db/open';
import { isPostgresUrl, migratePostgres } from '@/db/postgres';
import { migrateQueue } from '@/lib/server/queue';
import { logger } from '@/lib/server/log';
import { PostgresStore, pgTypes } from './postgres';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export type { Engine, Row, SqlParam, SqlParams, SqlValue, Store, TxOptions } from './types';
export type { Dialect } from './dialect';
export { isSqliteBusy, SqliteStore } from './sqlite';
export { PostgresStore } from './postgres';

export interface OpenOptions {
  /** apply the migrations the database lacks (default true) */
  migrate?: boolean;
  /** PostgreSQL: the most connections this process holds for transactions and writes (default 10) */
  poolSize?: number;
  /** PostgreSQL: the most connections this process holds for plain reads outside transactions (default 4; PG_READ_POOL) */
  readPoolSize?: number;
}

/**
 * A SQLite store on an open better-sqlite3 connection (Drizzle's driver; see db/open.ts), with a
 * read-only connection beside it for reads outside transactions (not for an in-memory database).
 */
export function sqliteStore(file: string, options: OpenOptions = {}): SqliteStore {
  const db = openDatabase(file);
  if (options.migrate ?? true) migrateDatabase(db);
  const inMemory = file === ':memory:' || file === '';
  return new SqliteStore(db.$client, inMemory ? null : openDatabase(file, { readonly: true }).$client);
}

/**
 * A connection that drops emits an error on its client (and an idle one on the pool); without a
 * listener either would end the process. The query that was using it fails on its own.
 */
function listenForErrors(pool: pg.Pool): pg.Pool {
  const log = (error: Error) => logger.error({ err: error }, `PostgreSQL connection error: ${error.message}`);
  pool.on('error', log);
  pool.on('connect', (client) => client.on('error', log));
  return pool;
}

/** Trellis's migrations (db/migrations-pg) and the job queue's schema, on a PostgreSQL database. */
export async function migrateAllPostgres(url: string): Promise<void> {
  await migratePostgres(url);
  const pool = listenForErrors(new pg.Pool({ connectionString: url, max: 1 }));
  try {
    await migrateQueue(pool);
  } finally {
    await pool.end();
  }
}

/** A PostgreSQL store on a node-postgres pool. */
export async function postgresStore(url: string, options: OpenOptions = {}): Promise<PostgresStore> {
  if (options.migrate ?? true) await migrateAllPostgres(url);
  // A database out of reach fails requests after 5 s (a health check answers 503) instead of hanging them.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: pgTypes, connectionTimeoutMillis: 5_000 });
  const readers = new pg.Pool({ connectionString: url, max: options.readPoolSize ?? (Number(process.env.PG_READ_POOL) || 4), types: pgTypes, connectionTimeoutMillis: 5_000 });
  listenForErrors(pool);
  listenForErrors(readers);
  return new PostgresStore(pool, readers);
}

export async function openStore(url = process.env.DATABASE_URL, options: OpenOptions = {}): Promise<Store> {
  return isPostgresUrl(url) ? postgresStore(url, options) : sqliteStore(databaseFile(url), options);
}
