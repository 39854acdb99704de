/**
 * The storage layer on PostgreSQL: node-postgres's pool (the one Drizzle's driver holds) behind
 * the async Store. The SQL text is translated once per query (sql-text.ts). A transaction checks
 * out one client for its length; statements made from within it (on its store, or on this one
 * from inside `fn`) run on that client.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { dialectOf } from './dialect';
import { toPostgres } from './sql-text';
import type { Row, SqlParam, SqlParams, SqlValue, Store, TxOptions } from './types';

/** bigint (int8) and numeric read as JS numbers, as SQLite's integers and reals are. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

function fix(v: SqlParam | undefined): unknown {
  if (v === undefined) return null;
  // An array parameter: node-postgres sends it as an array literal, each element as a value is sent.
  if (Array.isArray(v)) return (v as readonly SqlValue[]).map(fix);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function query(on: Queryable, sql: string, params: SqlParams | undefined, rowMode?: 'array'): Promise<pg.QueryResult> {
  const text = toPostgres(sql);
  let values: unknown[];
  if (params === undefined) values = [];
  else if (Array.isArray(params)) values = (params as readonly SqlParam[]).map(fix);
  else {
    const named = params as Readonly<Record<string, SqlParam>>;
    values = text.names.map((name) => {
      if (!Object.prototype.hasOwnProperty.call(named, name)) throw new Error(`Missing parameter @${name}`);
      return fix(named[name]);
    });
  }
  return on.query({ text: text.text, values, ...(rowMode ? { rowMode } : {}) });
}

abstract class PgRunner implements Store {
  readonly engine = 'postgres' as const;
  readonly dialect = dialectOf('postgres');
  abstract readonly inTransaction: boolean;
  abstract exec(sql: string, params: SqlParams | undefined, rowMode?: 'array'): Promise<pg.QueryResult>;

  async all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return (await this.exec(sql, params)).rows as T[];
  }

  async rows<T extends unknown[] = unknown[]>(sql: string, params?: SqlParams): Promise<T[]> {
    return (await this.exec(sql, params, 'array')).rows as T[];
  }

  async get<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.exec(sql, params)).rows[0] as T | undefined;
  }

  async column<T = unknown>(sql: string, params?: SqlParams): Promise<T[]> {
    return (await this.exec(sql, params, 'array')).rows.map((r: unknown[]) => r[0] as T);
  }

  async value<T = unknown>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.column<T>(sql, params))[0];
  }

  async run(sql: string, params?: SqlParams): Promise<{ changes: number }> {
    return { changes: (await this.exec(sql, params)).rowCount ?? 0 };
  }

  abstract runMany(sql: string, rows: readonly SqlParams[]): Promise<number>;
  abstract tx<T>(fn: (tx: Store) => Promise<T>, options?: TxOptions): Promise<T>;
  abstract close(): Promise<void>;
}

class PgTx extends PgRunner {
  readonly inTransaction = true;
  private savepoints = 0;
  constructor(private readonly client: pg.PoolClient) {
    super();
  }

  exec(sql: string, params: SqlParams | undefined, rowMode?: 'array') {
    return query(this.client, sql, params, rowMode);
  }

  async runMany(sql: string, rows: readonly SqlParams[]): Promise<number> {
    let changes = 0;
    for (const params of rows) changes += (await this.exec(sql, params)).rowCount ?? 0;
    return changes;
  }

  async tx<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    const name = `sp_${++this.savepoints}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    } finally {
      this.savepoints--;
    }
  }

  async close(): Promise<void> {
    throw new Error('A transaction cannot close the store');
  }
}

/** A plain read: a SELECT that locks nothing (it may go to the pool of readers). */
const PLAIN_READ = /^\s*SELECT\b/i;
const LOCKS = /\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b|pg_advisory|nextval\s*\(/i;

export class PostgresStore extends PgRunner {
  readonly inTransaction = false;
  private readonly current = new AsyncLocalStorage<PgTx>();

  /**
   * `readers`: a smaller pool for plain reads outside transactions (page and API reads), so that
   * however many readers wait, they hold at most that many of the server's backends and leave
   * the rest to writers (event batches hold account locks until they commit: starving them of the
   * database's CPU would hold up everyone). None: `pool` serves everything.
   */
  constructor(
    readonly pool: pg.Pool,
    readonly readers: pg.Pool | null = null,
  ) {
    super();
  }

  exec(sql: string, params: SqlParams | undefined, rowMode?: 'array') {
    const own = this.current.getStore();
    if (own) return own.exec(sql, params, rowMode);
    const on = this.readers && PLAIN_READ.test(sql) && !LOCKS.test(sql) ? this.readers : this.pool;
    return query(on, sql, params, rowMode);
  }

  async runMany(sql: string, rows: readonly SqlParams[]): Promise<number> {
    return this.tx((tx) => tx.runMany(sql, rows));
  }

  async tx<T>(fn: (tx: Store) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const own = this.current.getStore();
    if (own) return own.tx(fn);
    // A read-only transaction reads one snapshot (REPEATABLE READ: every statement sees what was
    // committed when its first began), from the readers' pool.
    const client = await (options.readOnly ? (this.readers ?? this.pool) : this.pool).connect();
    let broken = false;
    try {
      await client.query(options.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY' : 'BEGIN');
      const tx = new PgTx(client);
      try {
        const result = await this.current.run(tx, () => fn(tx));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.readers?.end()]);
  }
}
