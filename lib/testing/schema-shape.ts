/**
 * The shape of a migrated database read back from the engine itself (SQLite: pragmas and
 * sqlite_master; PostgreSQL: information_schema and pg_catalog), in one form for both engines,
 * so that tests can check that db/schema.ts and db/schema.pg.ts build the same database.
 */
import type pg from 'pg';
import type { SqliteStore } from '@/lib/server/store';

export interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  /** 'now' for the current time in epoch ms, otherwise the literal; null for none */
  default: string | null;
}
export interface IndexShape {
  name: string;
  columns: string[];
  unique: boolean;
  /** the WHERE of a partial index, normalised; null for a full index */
  where: string | null;
}
export interface ForeignKeyShape {
  columns: string[];
  table: string;
  references: string[];
  onDelete: string;
  onUpdate: string;
}
export interface TableShape {
  columns: ColumnShape[];
  primaryKey: string[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}
export type SchemaShape = Record<string, TableShape>;

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byKey = (a: ForeignKeyShape, b: ForeignKeyShape) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

/** A SQL expression in a comparable form: lower case, no quotes, parentheses, casts, table prefixes or spaces. */
function normaliseExpression(expr: string, table: string): string {
  return expr
    .toLowerCase()
    .replace(/::[a-z ]+/g, '')
    .replace(/[`"()\s]/g, '')
    .replaceAll(`${table.toLowerCase()}.`, '');
}

function normaliseDefault(value: string | null, table: string): string | null {
  if (value === null) return null;
  if (/unixepoch|now\(\)/i.test(value)) return 'now';
  return normaliseExpression(value, table).replace(/^'(.*)'$/, '$1');
}

const FK_ACTIONS: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

export function sqliteShape(db: SqliteStore): SchemaShape {
  const c = db.client;
  const tables = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' ORDER BY name").pluck().all() as string[];
  const shape: SchemaShape = {};
  for (const table of tables) {
    const info = c.prepare('SELECT name, type, "notnull" AS nn, dflt_value AS dflt, pk FROM pragma_table_info(?)').all(table) as { name: string; type: string; nn: number; dflt: string | null; pk: number }[];
    const primaryKey = info.filter((col) => col.pk > 0).sort((a, b) => a.pk - b.pk).map((col) => col.name);
    const columns = info.map((col) => ({
      name: col.name,
      type: col.type.toLowerCase(),
      // A primary key column never holds NULL (SQLite's integer primary key is the rowid).
      notNull: col.nn === 1 || col.pk > 0,
      default: normaliseDefault(col.dflt, table),
    }));
    const indexes: IndexShape[] = [];
    for (const ix of c.prepare('SELECT name, "unique" AS isUnique, origin, partial FROM pragma_index_list(?)').all(table) as { name: string; isUnique: number; origin: string; partial: number }[]) {
      if (ix.origin === 'pk') continue;
      const cols = (c.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(ix.name) as string[]);
      let where: string | null = null;
      if (ix.partial) {
        const sql = c.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(ix.name) as string;
        where = normaliseExpression(sql.slice(sql.search(/\bwhere\b/i) + 'where'.length), table);
      }
      indexes.push({ name: ix.name, columns: cols, unique: ix.isUnique === 1, where });
    }
    const fks = new Map<number, ForeignKeyShape>();
    for (const fk of c.prepare('SELECT id, "table" AS tbl, "from" AS col, "to" AS ref, on_update AS onUpdate, on_delete AS onDelete FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as { id: number; tbl: string; col: string; ref: string; onUpdate: string; onDelete: string }[]) {
      const entry = fks.get(fk.id) ?? { columns: [], table: fk.tbl, references: [], onDelete: fk.onDelete.toLowerCase(), onUpdate: fk.onUpdate.toLowerCase() };
      entry.columns.push(fk.col);
      entry.references.push(fk.ref);
      fks.set(fk.id, entry);
    }
    shape[table] = { columns: columns.sort(byName), primaryKey, indexes: indexes.sort(byName), foreignKeys: [...fks.values()].sort(byKey) };
  }
  return shape;
}

export async function postgresShape(client: pg.Client | pg.Pool, schema = 'public'): Promise<SchemaShape> {
  const q = async <T>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as T[];
  const tables = (await q<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    [schema],
  )).map((r) => r.table_name);
  const shape: SchemaShape = {};
  for (const table of tables) {
    const cols = await q<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      'SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [schema, table],
    );
    const primaryKey = (await q<{ column_name: string }>(
      `SELECT k.column_name FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
        WHERE c.table_schema = $1 AND c.table_name = $2 AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position`,
      [schema, table],
    )).map((r) => r.column_name);
    const indexes = await q<{ name: string; columns: string[]; unique: boolean; predicate: string | null }>(
      `SELECT i.relname AS name, ix.indisunique AS unique, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
              array(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND t.relname = $2 AND NOT ix.indisprimary`,
      [schema, table],
    );
    const fks = await q<{ columns: string[]; table: string; references: string[]; on_delete: string; on_update: string }>(
      `SELECT ft.relname AS table, con.confdeltype AS on_delete, con.confupdtype AS on_update,
              array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
              array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS references
         FROM pg_constraint con
         JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_class ft ON ft.oid = con.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND t.relname = $2 AND con.contype = 'f'`,
      [schema, table],
    );
    shape[table] = {
      columns: cols
        .map((col) => ({
          name: col.column_name,
          type: col.data_type,
          notNull: col.is_nullable === 'NO',
          default: normaliseDefault(col.column_default, table),
        }))
        .sort(byName),
      primaryKey,
      indexes: indexes
        .map((ix) => ({ name: ix.name, columns: ix.columns, unique: ix.unique, where: ix.predicate === null ? null : normaliseExpression(ix.predicate, table) }))
        .sort(byName),
      foreignKeys: fks
        .map((fk) => ({ columns: fk.columns, table: fk.table, references: fk.references, onDelete: FK_ACTIONS[fk.on_delete], onUpdate: FK_ACTIONS[fk.on_update] }))
        .sort(byKey),
    };
  }
  return shape;
}

/** Every difference between two shapes, one line each (`table.column: ...`); empty when equal. */
export function shapeDifferences(expected: SchemaShape, actual: SchemaShape, labels = { expected: 'SQLite', actual: 'PostgreSQL' }): string[] {
  const out: string[] = [];
  const show = (v: unknown) => JSON.stringify(v);
  for (const table of Object.keys(expected)) if (!(table in actual)) out.push(`${table}: table only in ${labels.expected}`);
  for (const table of Object.keys(actual)) if (!(table in expected)) out.push(`${table}: table only in ${labels.actual}`);
  for (const [table, e] of Object.entries(expected)) {
    const a = actual[table];
    if (!a) continue;
    const aCols = new Map(a.columns.map((c) => [c.name, c]));
    const eCols = new Map(e.columns.map((c) => [c.name, c]));
    for (const col of e.columns) {
      const other = aCols.get(col.name);
      if (!other) out.push(`${table}.${col.name}: column only in ${labels.expected}`);
      else if (show(col) !== show(other)) out.push(`${table}.${col.name}: ${labels.expected} ${show(col)}, ${labels.actual} ${show(other)}`);
    }
    for (const col of a.columns) if (!eCols.has(col.name)) out.push(`${table}.${col.name}: column only in ${labels.actual}`);
    if (show(e.primaryKey) !== show(a.primaryKey)) out.push(`${table}: primary key ${labels.expected} ${show(e.primaryKey)}, ${labels.actual} ${show(a.primaryKey)}`);
    const aIx = new Map(a.indexes.map((i) => [i.name, i]));
    const eIx = new Map(e.indexes.map((i) => [i.name, i]));
    for (const ix of e.indexes) {
      const other = aIx.get(ix.name);
      if (!other) out.push(`${table}: index ${ix.name} only in ${labels.expected}`);
      else if (show(ix) !== show(other)) out.push(`${table}: index ${ix.name}: ${labels.expected} ${show(ix)}, ${labels.actual} ${show(other)}`);
    }
    for (const ix of a.indexes) if (!eIx.has(ix.name)) out.push(`${table}: index ${ix.name} only in ${labels.actual}`);
    if (show(e.foreignKeys) !== show(a.foreignKeys)) out.push(`${table}: foreign keys ${labels.expected} ${show(e.foreignKeys)}, ${labels.actual} ${show(a.foreignKeys)}`);
  }
  return out;
}
