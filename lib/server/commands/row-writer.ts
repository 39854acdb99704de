/** Multi-row INSERTs for bulk writes (aggregate rebuilds): one prepared statement for full batches. */
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/open';

/** Buffers rows of one table and writes them with multi-row INSERTs. */
export class RowWriter {
  private values: unknown[] = [];
  private readonly full: Statement<unknown[]>;
  private readonly width: number;

  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly rowsPerStatement = Math.floor(2048 / columns.length),
  ) {
    this.width = columns.length;
    this.full = db.$client.prepare<unknown[]>(this.sql(rowsPerStatement));
  }

  private sql(rows: number): string {
    const tuple = `(${this.columns.map(() => '?').join(', ')})`;
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`;
  }

  push(...row: unknown[]): void {
    for (const v of row) this.values.push(v);
    if (this.values.length === this.rowsPerStatement * this.width) {
      this.full.run(this.values);
      this.values = [];
    }
  }

  flush(): void {
    if (!this.values.length) return;
    this.db.$client.prepare(this.sql(this.values.length / this.width)).run(this.values);
    this.values = [];
  }
}
