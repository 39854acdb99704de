/**
 * The storage layer: what every query and command is written against. One interface, two engines:
 * SQLite through better-sqlite3 (the embedded default, one file) and PostgreSQL through
 * node-postgres (several processes on several machines). Both are opened through Drizzle's drivers
 * (db/open.ts, db/postgres.ts); the SQL text is the one both engines share (sql-text.ts), and what
 * differs between them lives in dialect.ts.
 *
 * Values read back are the same on both engines: integers (ids, epoch milliseconds, counts, sums)
 * as JS numbers, reals as numbers, flags as 0 or 1, JSON as its text, blobs as Buffers.
 */
import type { Dialect } from './dialect';

export type Engine = 'sqlite' | 'postgres';

/** A value: booleans are stored as 1 or 0 on both engines. */
export type SqlValue = string | number | bigint | boolean | Buffer | Uint8Array | null;
/**
 * A parameter: a value, or on PostgreSQL only an array of values (for `unnest`, `= ANY`); SQLite
 * refuses an array.
 */
export type SqlParam = SqlValue | readonly SqlValue[];
/** `?` parameters in order, or `@name` parameters by name. */
export type SqlParams = readonly SqlParam[] | Readonly<Record<string, SqlParam>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

export interface TxOptions {
  /**
   * A transaction that only reads: its statements see one snapshot, whatever other connections
   * and processes commit meanwhile (a page's several reads agree with each other). SQLite: a read
   * transaction on the reader connection, the writer left free; PostgreSQL: REPEATABLE READ, READ
   * ONLY. A write inside fails. Other transactions take SQLite's write lock at the start
   * (`BEGIN IMMEDIATE`), so that two processes that read and then write never deadlock on the
   * upgrade; PostgreSQL locks rows as they are written.
   */
  readOnly?: boolean;
}

export interface Store {
  readonly engine: Engine;
  readonly dialect: Dialect;
  /** true inside `tx` */
  readonly inTransaction: boolean;
  all<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /**
   * every row as an array of its columns, in the order selected: for reads of many rows on hot
   * paths, where building an object per row costs more than the query
   */
  rows<T extends unknown[] = unknown[]>(sql: string, params?: SqlParams): Promise<T[]>;
  /** the first row, or undefined */
  get<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** the first column of every row */
  column<T = unknown>(sql: string, params?: SqlParams): Promise<T[]>;
  /** the first column of the first row, or undefined */
  value<T = unknown>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** a statement that returns no rows; `changes`: the rows it inserted, updated or deleted */
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
  /** the same statement once per parameter set, in order, in one transaction; the summed changes */
  runMany(sql: string, rows: readonly SqlParams[]): Promise<number>;
  /**
   * Runs `fn` in a transaction: all of its writes or none. Inside, `fn`'s store (and this store,
   * when called from within `fn`) joins the transaction; a nested `tx` is a savepoint.
   */
  tx<T>(fn: (tx: Store) => Promise<T>, options?: TxOptions): Promise<T>;
  close(): Promise<void>;
}
