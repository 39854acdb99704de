/**
 * db/schema.ts (SQLite) and db/schema.pg.ts (PostgreSQL), each migrated into a real database and
 * read back from the engine: the same tables, columns, types (mapped below), nullability,
 * defaults, primary keys, indexes and foreign keys.
 */
import pg from 'pg';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sqliteSchema from '@/db/schema';
import { migratePostgres } from '@/db/postgres';
import type { SqliteStore } from '@/lib/server/store';
import { freshStore } from '@/lib/testing/engines';
import { createTempPgDatabase } from '@/lib/testing/temp-pg';
import { postgresShape, shapeDifferences, sqliteShape, type SchemaShape } from '@/lib/testing/schema-shape';

/** SQLite declared type -> PostgreSQL data_type. */
const TYPES: Record<string, string> = { integer: 'bigint', real: 'double precision', text: 'text', blob: 'bytea' };

/** Columns that db/schema.ts declares as `integer({ mode: 'boolean' })`: 0 or 1 on both engines. */
function booleanColumns(): Set<string> {
  const out = new Set<string>();
  for (const table of Object.values(sqliteSchema)) {
    if (!is(table, SQLiteTable)) continue;
    const config = getTableConfig(table);
    for (const col of config.columns) if (col.columnType === 'SQLiteBoolean') out.add(`${config.name}.${col.name}`);
  }
  return out;
}

/** The SQLite shape with its types as PostgreSQL names them. */
function asPostgres(shape: SchemaShape): SchemaShape {
  const booleans = booleanColumns();
  return Object.fromEntries(
    Object.entries(shape).map(([table, t]) => [
      table,
      {
        ...t,
        columns: t.columns.map((c) => ({
          ...c,
          ...(booleans.has(`${table}.${c.name}`)
            ? { type: 'bigint', default: c.default === 'true' ? '1' : c.default === 'false' ? '0' : c.default }
            : { type: TYPES[c.type] ?? `unmapped SQLite type ${c.type}` }),
        })),
      },
    ]),
  );
}

describe('the PostgreSQL schema', () => {
  let sqlite: Awaited<ReturnType<typeof freshStore>>;
  const sqliteStore = () => sqlite.store as SqliteStore;
  let pgDb: Awaited<ReturnType<typeof createTempPgDatabase>>;
  let client: pg.Client;

  beforeAll(async () => {
    sqlite = await freshStore('sqlite');
    pgDb = await createTempPgDatabase();
    await migratePostgres(pgDb.url);
    client = new pg.Client({ connectionString: pgDb.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await pgDb?.cleanup();
    await sqlite?.dispose();
  });

  it('equals the SQLite schema after both are migrated', async () => {
    const expected = asPostgres(sqliteShape(sqliteStore()));
    const actual = await postgresShape(client);
    expect(Object.keys(expected).length).toBeGreaterThan(25);
    expect(shapeDifferences(expected, actual)).toEqual([]);
    // Spot checks that the comparison reads what it should.
    expect(actual.events.indexes.find((i) => i.name === 'events_id_uq')).toEqual({ name: 'events_id_uq', columns: ['id'], unique: true, where: 'idisnotnull' });
    expect(actual.agg_packed.primaryKey).toEqual(['account_pk', 'block']);
    expect(actual.scores.columns.find((c) => c.name === 'partial')).toEqual({ name: 'partial', type: 'bigint', notNull: true, default: '0' });
    expect(actual.accounts.columns.find((c) => c.name === 'created_at')).toEqual({ name: 'created_at', type: 'bigint', notNull: true, default: 'now' });
  });

  it('stores the current time in epoch milliseconds by default, as SQLite does', async () => {
    const before = Date.now();
    const { rows } = await client.query<{ created_at: string; pk: string }>(
      "INSERT INTO users (email, role) VALUES ('a@example.com', 'csm') RETURNING pk, created_at",
    );
    const after = Date.now();
    expect(Number(rows[0].pk)).toBe(1);
    expect(Number(rows[0].created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Number(rows[0].created_at)).toBeLessThanOrEqual(after + 1000);
  });

  it('reports a column added to one schema only', async () => {
    await client.query('ALTER TABLE accounts ADD COLUMN region text');
    sqliteStore().client.exec('ALTER TABLE contacts ADD COLUMN phone text');
    sqliteStore().client.exec('CREATE INDEX contacts_phone_idx ON contacts (phone)');
    try {
      const diff = shapeDifferences(asPostgres(sqliteShape(sqliteStore())), await postgresShape(client));
      expect([...diff].sort()).toEqual([
        'accounts.region: column only in PostgreSQL',
        'contacts.phone: column only in SQLite',
        'contacts: index contacts_phone_idx only in SQLite',
      ]);
    } finally {
      await client.query('ALTER TABLE accounts DROP COLUMN region');
    }
  });

  it('reports a type, nullability or primary-key difference', async () => {
    await client.query('ALTER TABLE jobs ALTER COLUMN progress TYPE real, ALTER COLUMN message SET NOT NULL');
    await client.query('ALTER TABLE settings DROP CONSTRAINT settings_pkey');
    const diff = shapeDifferences(asPostgres(sqliteShape(sqliteStore())), await postgresShape(client));
    expect(diff.filter((d) => d.startsWith('jobs.'))).toEqual([
      'jobs.message: SQLite {"name":"message","type":"text","notNull":false,"default":null}, PostgreSQL {"name":"message","type":"text","notNull":true,"default":null}',
      'jobs.progress: SQLite {"name":"progress","type":"double precision","notNull":true,"default":"0"}, PostgreSQL {"name":"progress","type":"real","notNull":true,"default":"0"}',
    ]);
    expect(diff).toContain('settings: primary key SQLite ["key"], PostgreSQL []');
  });
});
