/** Multi-row INSERTs for bulk writes: event batches, aggregate rebuilds, score writes. */
import type { Row, SqlParam, SqlValue, Store } from '@/lib/server/store';

/** Most rows in one statement of `insertRows` (a power of two). */
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
 * Inserts `rows` (each `width` values, in the order of the columns `head` names) in order, and
 * answers the rows the statements return (`tail` may end in RETURNING). `head` is
 * `INSERT INTO table (column, ...)`.
 *
 * SQLite: multi-row statements `head VALUES (...), (...) tail`, a power of two of rows each.
 * PostgreSQL: one statement for any number of rows, `head SELECT * FROM unnest(column arrays)
 * tail`, one parameter per column: one round trip where a multi-row VALUES list takes one per few
 * hundred rows. Inside a transaction that holds locks (an event batch holds its accounts') every
 * round trip is a wait for the process's event loop, busy with other requests, while the locks
 * stay held.
 */
export function insertRows<T = Row>(db: Store, head: string, width: number, rows: readonly (readonly SqlParam[])[], tail = ''): Promise<T[]> {
  if (db.engine === 'postgres') {
    const m = /^INSERT INTO (\w+) \(([\w, ]+)\)$/.exec(head.trim());
    if (!m) return Promise.reject(new Error(`insertRows: "${head}" is not INSERT INTO table (columns)`));
    const columns = m[2]!.split(',').map((c) => c.trim());
    if (columns.length !== width) return Promise.reject(new Error(`insertRows: ${columns.length} columns named, rows of ${width} values`));
    return insertRowsUnnest<T>(db, m[1]!, columns, rows, tail);
  }
  const tuple = `(${Array(width).fill('?').join(', ')})`;
  return inChunks<T>(rows, tuple, (values, params) => db.all<T>(`${head} VALUES ${values}${tail ? ` ${tail}` : ''}`, params));
}

/** `insertRows` into `table`'s `columns`, for a caller that has them apart. */
export function insertInto<T = Row>(db: Store, table: string, columns: readonly string[], rows: readonly (readonly SqlParam[])[], tail = ''): Promise<T[]> {
  if (db.engine === 'postgres') return insertRowsUnnest<T>(db, table, columns, rows, tail);
  return insertRows<T>(db, `INSERT INTO ${table} (${columns.join(', ')})`, columns.length, rows, tail);
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
    if (!type) throw new Error(`insertRows: table ${table} has no column ${c}`);
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
