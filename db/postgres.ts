/**
 * Connecting to and migrating a PostgreSQL database (`DATABASE_URL=postgres://...`). The app's
 * queries reach it through the storage layer (lib/server/store, which opens its pool and migrates
 * through here); `npm run db:copy` fills one from a SQLite file.
 */
import path from 'node:path';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema.pg';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/** The `pg_advisory_lock` key held while migrating, so that two processes never migrate at once. */
const MIGRATION_LOCK = 7_341_562_001;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

export function pgMigrationsFolder(): string {
  return path.resolve(process.cwd(), 'db/migrations-pg');
}

/** A database that cannot be reached or entered; the message names it without its password. */
export class PostgresConnectionError extends Error {}

/** A connected client, or a PostgresConnectionError saying which database failed and why. */
export async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new PostgresConnectionError(`cannot connect to ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  return client;
}

export function openPostgres(url: string, options: { max?: number } = {}): PgDb {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4 });
  return drizzle(pool, { schema }) as PgDb;
}

/** Applies the migrations of db/migrations-pg that the database lacks (idempotent). */
export async function migratePostgres(url: string): Promise<void> {
  const client = await connectPostgres(url);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: pgMigrationsFolder() });
  } finally {
    await client.end();
  }
}
