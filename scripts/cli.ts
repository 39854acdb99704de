/** Shared bits of the command-line scripts: the database, failing with a clear message. */
import { databaseFile } from '@/db/open';
import { isPostgresUrl, PostgresConnectionError, redactUrl } from '@/db/postgres';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { AppError } from '@/lib/server/errors';
import { openStore, sqliteStore, type SqliteStore, type Store } from '@/lib/server/store';

/** Command-line tools may wait longer for SQLite's write lock than the server, whose one thread stops while it waits. */
const CLI_BUSY_TIMEOUT_MS = 60_000;

/** The store of DATABASE_URL (a SQLite file or PostgreSQL), migrated, with the default catalogue and model. */
export async function openMigratedStore(url = process.env.DATABASE_URL): Promise<Store> {
  return isPostgresUrl(url) ? prepared(await openStore(url)) : openMigratedSqlite(databaseFile(url));
}

/** A SQLite file's store, migrated, with the default catalogue and model. */
export async function openMigratedSqlite(file: string): Promise<SqliteStore> {
  const db = sqliteStore(file);
  db.client.pragma(`busy_timeout = ${CLI_BUSY_TIMEOUT_MS}`);
  return prepared(db);
}

async function prepared<S extends Store>(db: S): Promise<S> {
  try {
    await prepareDatabase(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Runs `fn` on the migrated store of DATABASE_URL and closes it after (a PostgreSQL pool would keep the process alive). */
export async function withMigratedStore<T>(fn: (db: Store) => Promise<T> | T): Promise<T> {
  const db = await openMigratedStore();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** DATABASE_URL for messages: the SQLite file, or the PostgreSQL URL without its password. */
export function describeDatabase(url = process.env.DATABASE_URL): string {
  return isPostgresUrl(url) ? redactUrl(url) : databaseFile(url);
}

/** The SQLite file of DATABASE_URL, for what only exists on SQLite; on PostgreSQL, a UsageError saying what to use instead. */
export function sqliteFileFor(command: string, onPostgres: string, url = process.env.DATABASE_URL): string {
  if (isPostgresUrl(url)) throw new UsageError(`${command} works on a SQLite database file; DATABASE_URL is PostgreSQL (${redactUrl(url)}): ${onPostgres}`);
  return databaseFile(url);
}

/** Runs a script's main, printing errors without a stack trace for expected failures. */
export function run(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      if (error instanceof AppError) {
        console.error(`error: ${error.message}`);
        for (const d of error.details) console.error(`  ${d.path}: ${d.message}`);
      } else if (error instanceof UsageError || error instanceof PostgresConnectionError) {
        console.error(`error: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exitCode = 1;
    });
}

export class UsageError extends Error {}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
