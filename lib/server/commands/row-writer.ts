/** Multi-row INSERTs for bulk writes: event batches, aggregate rebuilds, score writes. */
import type { Row, SqlParam, SqlValue, Store } from '@/lib/server/store';

/** Most rows in one statement of `insertInto` on SQLite (a power of two). */
const MAX_ROWS = 256;

/**
 * Runs `statement` over `rows` in order, a chunk at a time, with `values`: the chunk's rows as
 * `tuple, tuple, ...` (`tuple` is one row's `(?, ?, ...)`) and `params` their values in order, and
 * answers the rows the statements return. A chunk holds a power of two of rows, so that a few
 * statement texts serve every number of rows (each engine prepares or translates a text once).
 */
export async function inChunks<T = Row>(
  rows: readonly (readonly SqlParam[])[],
  tuple: string,
  statement: (values: string, params: SqlParam[]) => Promise<T[]>,
  maxRows = MAX_ROWS,
): Promise<T[]> {
  const out: T[] = [];
  let at = 0;
  while (at < rows.length) {
    let n = maxRows;
    while (n > rows.length - at) n /= 2;
    const params: SqlParam[] = [];
    for (let i = at; i < at + n; i++) for (const v of rows[i]!) params.push(v);
    for (const r of await statement(Array(n).fill(tuple).join(', '), params)) out.push(r);
    at += n;
  }
  return out;
}

/**
 * Inserts `rows` into `table`'s `columns` (each row one value per column, in their order), in
 * order, and answers the rows the statements return (`tail` may end in RETURNING).
 *
 * SQLite: multi-row statements `INSERT INTO table (columns) VALUES (...), (...) tail`, a power of
 * two of rows each. PostgreSQL: one statement for any number of rows, `INSERT INTO table (columns)
 * SELECT * FROM unnest(column arrays) tail`, one parameter per column: one round trip where a
 * multi-row VALUES list takes one per few hundred rows. Inside a transaction that holds locks (an
 * event batch holds its accounts') every round trip is a wait for the process's event loop, busy
 * with other requests, while the locks stay held.
 */
export function insertInto<T = Row>(db: Store, table: string, columns: readonly string[], rows: readonly (readonly SqlParam[])[], tail = ''): Promise<T[]> {
  const odd = rows.findIndex((row) => row.length !== columns.length);
  if (odd >= 0) return Promise.reject(new Error(`insertInto ${table}: row ${odd} has ${rows[odd]!.length} values for ${columns.length} columns`));
  if (db.engine === 'postgres') return insertRowsUnnest<T>(db, table, columns, rows, tail);
  const head = `INSERT INTO ${table} (${columns.join(', ')})`;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return inChunks<T>(rows, tuple, (values, params) => db.all<T>(`${head} VALUES ${values}${tail ? ` ${tail}` : ''}`, params));
}

/** Rows per statement of `insertRowsUnnest`: bounds the size of one message. */
const UNNEST_ROWS = 20_000;

async function insertRowsUnnest<T>(db: Store, table: string, columns: readonly string[], rows: readonly (readonly SqlParam[])[], tail: string): Promise<T[]> {
  if (!rows.length) return [];
  const width = columns.length;
  const types = await columnTypes(db, table, columns);
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${types.map((t) => `CAST(? AS ${t}[])`).join(', ')})${tail ? ` ${tail}` : ''}`;
  const out: T[] = [];
  for (let at = 0; at < rows.length; at += UNNEST_ROWS) {
    const end = Math.min(rows.length, at + UNNEST_ROWS);
    const arrays: SqlValue[][] = columns.map(() => new Array<SqlValue>(end - at));
    for (let r = at; r < end; r++) {
      const row = rows[r]!;
      for (let c = 0; c < width; c++) arrays[c]![r - at] = row[c] as SqlValue;
    }
    for (const row of await db.all<T>(sql, arrays)) out.push(row);
  }
  return out;
}

/** PostgreSQL's type of each column of a table, read from the catalogue once per table. */
const typesOfTable = new Map<string, Promise<Map<string, string>>>();

async function columnTypes(db: Store, table: string, columns: readonly string[]): Promise<string[]> {
  let types = typesOfTable.get(table);
  if (!types) {
    types = db
      .all<{ name: string; type: string }>(
        'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped',
        [table],
      )
      .then((rows) => new Map(rows.map((r) => [r.name, r.type])));
    typesOfTable.set(table, types);
    types.catch(() => typesOfTable.delete(table));
  }
  const known = await types;
  return columns.map((c) => {
    const type = known.get(c);
    if (!type) throw new Error(`insertInto: table ${table} has no column ${c}`);
    return type;
  });
}

/** Buffers rows of one table and writes them with multi-row INSERTs. */
export class RowWriter {
  private values: SqlParam[] = [];
  private readonly width: number;

  constructor(
    private readonly db: Store,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly rowsPerStatement = Math.floor(2048 / columns.length),
  ) {
    this.width = columns.length;
  }

  private sql(rows: number): string {
    const tuple = `(${this.columns.map(() => '?').join(', ')})`;
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`;
  }

  /** Buffers a row; `write` or `flush` writes it. */
  push(...row: SqlParam[]): void {
    for (const v of row) this.values.push(v);
  }

  /** Writes the full statements buffered; fewer rows than a statement holds wait for more. */
  async write(): Promise<void> {
    const full = this.rowsPerStatement * this.width;
    if (this.values.length < full) return;
    let at = 0;
    for (; at + full <= this.values.length; at += full) await this.db.run(this.sql(this.rowsPerStatement), this.values.slice(at, at + full));
    this.values = this.values.slice(at);
  }

  /** Writes every row buffered. */
  async flush(): Promise<void> {
    await this.write();
    if (!this.values.length) return;
    const values = this.values;
    this.values = [];
    await this.db.run(this.sql(values.length / this.width), values);
  }
}
