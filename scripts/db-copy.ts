/**
 * npm run db:copy -- --to postgres://user@host:5432/trellis [--batch 2000]
 *
 * Copies the SQLite database of DATABASE_URL (file:path, default ./data/trellis.db) into a
 * PostgreSQL database, then checks the copy. Stop the app first: rows written to SQLite after the
 * copy has started are not copied.
 *
 * - The target is migrated first (db/migrations-pg) and must hold no rows at all.
 * - Every table of db/schema.pg.ts is copied with its primary keys, parents before children,
 *   in batches of multi-row INSERTs, all inside ONE PostgreSQL transaction: either the whole
 *   database arrives or nothing does. Identity sequences then continue after the highest id
 *   (or SQLite's AUTOINCREMENT high-water mark, if higher). Blobs become bytea (flags stay
 *   0 or 1); a value PostgreSQL cannot hold (a NUL character in text, a value of the
 *   wrong type) stops the copy with the table, row and column.
 * - The source is read in one SQLite read transaction, so the copy and the check see one state.
 * - The check counts the rows of every table on both sides and compares an order-independent
 *   checksum: the sum (mod 2^256) of the SHA-256 of each row's canonical JSON, computed by the
 *   same code from both sides' values. A per-table report goes to stdout; the exit code is 1 when
 *   any table differs. Progress of long tables goes to stderr.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { SqliteStore } from '@/lib/server/store';
import { connectPostgres, isPostgresUrl, migratePostgres, redactUrl } from '@/db/postgres';
import * as pgSchema from '@/db/schema.pg';
import { openMigratedSqlite, run, sqliteFileFor, UsageError } from './cli';

export const USAGE = `usage: npm run db:copy -- --to postgres://user@host:5432/database [--batch N]
  --to URL     the PostgreSQL database to fill (migrated first; it must hold no rows)
  --batch N    rows per INSERT statement (default 2000)
The source is the SQLite database of DATABASE_URL (file:path, default ./data/trellis.db).`;

/** SQLite's and Drizzle's own bookkeeping. */
const INTERNAL_TABLES = /^(sqlite_.*|__drizzle_migrations)$/;

type Kind = 'integer' | 'double' | 'text' | 'bytea';

export interface CopyColumn {
  name: string;
  kind: Kind;
}
export interface CopyTable {
  name: string;
  columns: CopyColumn[];
  primaryKey: string[];
  /** the identity column whose sequence continues after the copied ids */
  identity: string | null;
}

function kindOf(sqlType: string, table: string, column: string): Kind {
  switch (sqlType) {
    case 'bigint':
      return 'integer';
    case 'double precision':
      return 'double';
    case 'text':
      return 'text';
    case 'bytea':
      return 'bytea';
    default:
      throw new Error(`${table}.${column}: db:copy does not know the PostgreSQL type ${sqlType}`);
  }
}

/** The tables of db/schema.pg.ts, each after the tables it references. */
export function copyPlan(): CopyTable[] {
  const configs = (Object.values(pgSchema) as unknown[]).filter((t): t is PgTable => is(t, PgTable)).map((t) => getTableConfig(t));
  const byName = new Map(configs.map((c) => [c.name, c]));
  const ordered: CopyTable[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: string[]) => {
    if (placed.has(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' -> ')}`);
    const config = byName.get(name)!;
    for (const fk of config.foreignKeys) {
      const parent = getTableConfig(fk.reference().foreignTable).name;
      if (parent !== name) place(parent, [...path, name]);
    }
    const pk = config.primaryKeys[0]?.columns.map((c) => c.name) ?? config.columns.filter((c) => c.primary).map((c) => c.name);
    ordered.push({
      name,
      columns: config.columns.map((c) => ({ name: c.name, kind: kindOf(c.getSQLType(), name, c.name) })),
      primaryKey: pk,
      identity: config.columns.find((c) => c.generatedIdentity !== undefined)?.name ?? null,
    });
    placed.add(name);
  };
  for (const c of [...configs].sort((a, b) => a.name.localeCompare(b.name))) place(c.name, []);
  return ordered;
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** One SQLite value as the PostgreSQL parameter for a column of `kind`; throws on a value the column cannot hold. */
function toPostgres(kind: Kind, value: unknown, where: () => string): unknown {
  if (value === null) return null;
  const wrong = (expected: string) => {
    const shown = Buffer.isBuffer(value) ? `a blob of ${value.length} bytes` : `${typeof value} ${JSON.stringify(String(value).slice(0, 40))}`;
    return new UsageError(`${where()}: expected ${expected}, found ${shown}`);
  };
  switch (kind) {
    case 'integer':
      if (typeof value !== 'bigint') throw wrong('an integer');
      return value.toString();
    case 'double':
      if (typeof value === 'bigint') return Number(value);
      if (typeof value !== 'number') throw wrong('a number');
      return value;
    case 'text':
      if (typeof value !== 'string') throw wrong('text');
      if (value.includes('\u0000')) throw new UsageError(`${where()}: the text holds a NUL character, which PostgreSQL text cannot store`);
      return value;
    case 'bytea':
      if (!Buffer.isBuffer(value)) throw wrong('a blob');
      return value;
  }
}

/** A value in the form both sides are hashed in: integers as decimal text, doubles as JS prints them, blobs as hex. */
function canonical(kind: Kind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer':
      return String(value);
    case 'double':
      return String(Number(value));
    case 'text':
      return value;
    case 'bytea':
      return (value as Buffer).toString('hex');
  }
}

const MOD = 1n << 256n;

/** Row count and order-independent checksum of a table, fed one row at a time. */
class TableDigest {
  rows = 0;
  private sum = 0n;
  constructor(private readonly columns: CopyColumn[]) {}
  add(row: unknown[]): void {
    const canon = row.map((v, i) => canonical(this.columns[i].kind, v));
    const hash = createHash('sha256').update(JSON.stringify(canon)).digest('hex');
    this.sum = (this.sum + BigInt(`0x${hash}`)) % MOD;
    this.rows++;
  }
  get checksum(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}

export interface TableReport {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  equal: boolean;
}

type Log = (line: string) => void;
const stderr: Log = (line) => process.stderr.write(`${line}\n`);

function progress(table: string, total: number, log: Log) {
  const t0 = performance.now();
  let nextPct = 10;
  return (done: number) => {
    if (total < 50_000) return;
    const pct = Math.floor((done / total) * 100);
    if (pct >= nextPct || done === total) {
      nextPct = pct + 10;
      log(`  ${table}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows (${pct}%, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  };
}

/** The SQLite tables and columns match the PostgreSQL schema. */
function checkSource(source: SqliteStore, plan: CopyTable[]): void {
  const c = source.client;
  const tables = (c.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).filter((t) => !INTERNAL_TABLES.test(t));
  const planned = new Map(plan.map((t) => [t.name, t]));
  const problems: string[] = [];
  for (const t of tables) if (!planned.has(t)) problems.push(`table ${t} is not in the PostgreSQL schema (db/schema.pg.ts)`);
  for (const t of plan) {
    if (!tables.includes(t.name)) {
      problems.push(`table ${t.name} is missing from the SQLite database`);
      continue;
    }
    const cols = c.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t.name) as string[];
    for (const col of cols) if (!t.columns.some((x) => x.name === col)) problems.push(`column ${t.name}.${col} is not in the PostgreSQL schema`);
    for (const col of t.columns) if (!cols.includes(col.name)) problems.push(`column ${t.name}.${col.name} is missing from the SQLite database`);
  }
  if (problems.length) throw new UsageError(`the SQLite and PostgreSQL schemas differ:\n  ${problems.join('\n  ')}`);
}

/** Migrates the target and refuses it unless every table is empty. */
export async function prepareTarget(targetUrl: string, plan: CopyTable[] = copyPlan()): Promise<void> {
  await migratePostgres(targetUrl);
  const client = await connectPostgres(targetUrl);
  try {
    const filled: string[] = [];
    for (const t of plan) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${q(t.name)} LIMIT 1000001) x`);
      const n = Number(rows[0].n);
      if (n > 0) filled.push(`${t.name}: ${n > 1_000_000 ? 'over 1,000,000' : n.toLocaleString('en-US')} rows`);
    }
    if (filled.length) {
      throw new UsageError(`the target database ${redactUrl(targetUrl)} already holds data (${filled.join(', ')}); db:copy only fills an empty database`);
    }
  } finally {
    await client.end();
  }
}

function sqliteSequence(source: SqliteStore, table: string): bigint {
  const c = source.client;
  if (!c.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get()) return 0n;
  const seq = c.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').safeIntegers(true).pluck().get(table) as bigint | undefined;
  return seq ?? 0n;
}

/**
 * Copies every table of the plan from `source` into the (migrated, empty) target in one
 * transaction, then resets the identity sequences. Call inside a SQLite read transaction for a
 * consistent source.
 */
export async function copyRows(source: SqliteStore, targetUrl: string, options: { batch?: number; log?: Log; plan?: CopyTable[] } = {}): Promise<void> {
  const plan = options.plan ?? copyPlan();
  const log = options.log ?? stderr;
  checkSource(source, plan);
  const client = await connectPostgres(targetUrl);
  try {
    await client.query('BEGIN');
    for (const t of plan) {
      const total = source.client.prepare(`SELECT count(*) FROM ${q(t.name)}`).pluck().get() as number;
      const report = progress(t.name, total, log);
      // At most 65,535 parameters per statement.
      const batch = Math.max(1, Math.min(options.batch ?? 2000, Math.floor(65_535 / t.columns.length)));
      const columnList = t.columns.map((c) => q(c.name)).join(', ');
      const read = source.client.prepare(`SELECT ${columnList} FROM ${q(t.name)}`).raw().safeIntegers(true);
      const pkIndexes = t.primaryKey.map((name) => t.columns.findIndex((c) => c.name === name));
      let params: unknown[] = [];
      let rowsInBatch = 0;
      let done = 0;
      const flush = async () => {
        if (rowsInBatch === 0) return;
        const n = t.columns.length;
        const values = Array.from({ length: rowsInBatch }, (_, r) => `(${t.columns.map((_c, i) => `$${r * n + i + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO ${q(t.name)} (${columnList}) VALUES ${values}`, params);
        done += rowsInBatch;
        report(done);
        params = [];
        rowsInBatch = 0;
      };
      for (const row of read.iterate() as Iterable<unknown[]>) {
        const where = () => `${t.name} row ${pkIndexes.map((i) => `${t.columns[i].name}=${String(row[i])}`).join(', ')}`;
        t.columns.forEach((col, i) => params.push(toPostgres(col.kind, row[i], () => `${where()}, column ${col.name}`)));
        if (++rowsInBatch === batch) await flush();
      }
      await flush();
      if (t.identity) {
        const { rows } = await client.query<{ max: string | null }>(`SELECT max(${q(t.identity)}) AS max FROM ${q(t.name)}`);
        const highest = [BigInt(rows[0].max ?? 0), sqliteSequence(source, t.name)].reduce((a, b) => (a > b ? a : b));
        await client.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, false)', [q(t.name), t.identity, (highest + 1n).toString()]);
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Counts and checksums every table of the plan on both sides. */
export async function compareDatabases(source: SqliteStore, targetUrl: string, options: { log?: Log; plan?: CopyTable[] } = {}): Promise<TableReport[]> {
  const plan = options.plan ?? copyPlan();
  const log = options.log ?? stderr;
  const client = await connectPostgres(targetUrl);
  const reports: TableReport[] = [];
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const t of plan) {
      const columnList = t.columns.map((c) => q(c.name)).join(', ');
      const src = new TableDigest(t.columns);
      for (const row of source.client.prepare(`SELECT ${columnList} FROM ${q(t.name)}`).raw().safeIntegers(true).iterate() as Iterable<unknown[]>) {
        src.add(t.columns.map((col, i) => toPostgres(col.kind, row[i], () => `${t.name}.${col.name}`)));
      }
      const report = progress(`${t.name} (check)`, src.rows, log);
      const dst = new TableDigest(t.columns);
      await client.query(`DECLARE copy_check NO SCROLL CURSOR FOR SELECT ${columnList} FROM ${q(t.name)}`);
      for (;;) {
        const { rows } = await client.query<unknown[]>({ text: 'FETCH 5000 FROM copy_check', rowMode: 'array' });
        for (const row of rows) dst.add(row);
        report(dst.rows);
        if (rows.length < 5000) break;
      }
      await client.query('CLOSE copy_check');
      reports.push({
        table: t.name,
        sourceRows: src.rows,
        targetRows: dst.rows,
        sourceChecksum: src.checksum,
        targetChecksum: dst.checksum,
        equal: src.rows === dst.rows && src.checksum === dst.checksum,
      });
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  return reports;
}

export function formatReport(reports: TableReport[]): string {
  const width = Math.max(...reports.map((r) => r.table.length), 5);
  const lines = [`${'table'.padEnd(width)}  ${'SQLite rows'.padStart(12)}  ${'PostgreSQL rows'.padStart(15)}  checksum`];
  for (const r of reports) {
    const status = r.equal ? `equal ${r.sourceChecksum.slice(0, 16)}` : r.sourceRows !== r.targetRows ? 'DIFFERENT (row counts)' : `DIFFERENT (${r.sourceChecksum.slice(0, 16)} / ${r.targetChecksum.slice(0, 16)})`;
    lines.push(`${r.table.padEnd(width)}  ${r.sourceRows.toLocaleString('en-US').padStart(12)}  ${r.targetRows.toLocaleString('en-US').padStart(15)}  ${status}`);
  }
  const different = reports.filter((r) => !r.equal);
  lines.push(different.length ? `${different.length} of ${reports.length} tables differ: ${different.map((r) => r.table).join(', ')}` : `All ${reports.length} tables equal.`);
  return lines.join('\n');
}

export interface CopyArgs {
  to: string;
  batch: number;
}

export function parseCopyArgs(argv: string[]): CopyArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { to: { type: 'string' }, batch: { type: 'string' } } }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (!values.to) throw new UsageError(`--to is required\n${USAGE}`);
  if (!isPostgresUrl(values.to)) throw new UsageError(`--to must be a postgres:// or postgresql:// URL, got "${redactUrl(values.to)}"\n${USAGE}`);
  const batch = values.batch === undefined ? 2000 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 65_535) throw new UsageError(`--batch must be an integer from 1 to 65535, got "${values.batch}"\n${USAGE}`);
  return { to: values.to, batch };
}

/** Copies `source` into the PostgreSQL database `args.to` and checks it; returns the per-table report. */
export async function copyDatabase(source: SqliteStore, args: CopyArgs, log: Log = stderr): Promise<TableReport[]> {
  const plan = copyPlan();
  log(`Migrating ${redactUrl(args.to)}…`);
  await prepareTarget(args.to, plan);
  // One read transaction: the copy and the check read the same state of the SQLite file.
  source.client.exec('BEGIN');
  try {
    log('Copying…');
    await copyRows(source, args.to, { batch: args.batch, log, plan });
    log('Checking…');
    return await compareDatabases(source, args.to, { log, plan });
  } finally {
    source.client.exec('COMMIT');
  }
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<boolean> {
  const args = parseCopyArgs(argv);
  const file = sqliteFileFor('npm run db:copy', 'it copies a SQLite file into PostgreSQL, so set DATABASE_URL=file:path to the SQLite database and --to to the PostgreSQL one');
  if (!fs.existsSync(file)) throw new UsageError(`no SQLite database at ${file} (set DATABASE_URL=file:path)`);
  const source = await openMigratedSqlite(file);
  try {
    const reports = await copyDatabase(source, args);
    console.log(`Copied ${file} to ${redactUrl(args.to)}`);
    console.log(formatReport(reports));
    return reports.every((r) => r.equal);
  } finally {
    await source.close();
  }
}

// Run only when executed (`tsx scripts/db-copy.ts`), not when a test imports this module.
if (/[\\/]scripts[\\/]db-copy\.ts$/.test(process.argv[1] ?? '')) {
  run(async () => {
    if (!(await main())) process.exitCode = 1;
  });
}
