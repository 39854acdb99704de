/** Multi-row INSERTs for bulk writes: event batches, aggregate rebuilds. */
import type { Row, SqlParam, Store } from '@/lib/server/store';

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
 * Inserts `rows` (each `width` values, in the order of the columns `head` names) with multi-row
 * statements `head VALUES (...), (...) tail`, in order, and answers the rows the statements
 * return (`tail` may end in RETURNING).
 */
export function insertRows<T = Row>(db: Store, head: string, width: number, rows: readonly (readonly SqlParam[])[], tail = ''): Promise<T[]> {
  const tuple = `(${Array(width).fill('?').join(', ')})`;
  return inChunks<T>(rows, tuple, (values, params) => db.all<T>(`${head} VALUES ${values}${tail ? ` ${tail}` : ''}`, params));
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
