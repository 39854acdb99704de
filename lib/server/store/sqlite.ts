/**
 * The storage layer on SQLite: better-sqlite3 (synchronous, in-process) behind the async Store.
 * Statements are prepared once per text and kept. One connection writes, so a transaction holds
 * it: statements from other callers wait until it ends, while statements made from within the
 * transaction (on its store, or on this one from inside `fn`) join it. A second, read-only
 * connection to the same file (WAL: readers never wait for the writer) answers the statements
 * that only read and are made outside a transaction, so page reads do not wait for an event batch
 * or a rescore to commit; each sees what was committed when it ran. A read-only transaction
 * sees one snapshot for all of its statements, on a third connection.
 *
 * The file's write lock is waited for without blocking the thread: `BEGIN IMMEDIATE` is tried
 * without SQLite's busy handler (which sleeps in the thread, 1 to 100 ms at a time, up to its
 * busy_timeout) and, while another process holds the lock, tried again on a timer, so this
 * process's page reads and requests go on meanwhile. It gives up with SQLITE_BUSY after the
 * connection's busy_timeout, as the busy handler would.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { openDatabase } from '@/db/open';
import { checkpointInThread, type Checkpointer } from './checkpointer';
import { dialectOf } from './dialect';
import type { Row, SqlParam, SqlParams, Store, TxOptions } from './types';

type Statement = Database.Statement<unknown[], unknown>;

const STATEMENT_LIMIT = 1000;
/** How often a transaction waiting for another process's write lock tries again (ms). */
const LOCK_RETRY_MS = 1;

/** SQLite's "another connection holds the lock" (SQLITE_BUSY and its extended codes). */
export const isSqliteBusy = (error: unknown): boolean => String((error as { code?: unknown } | null)?.code).startsWith('SQLITE_BUSY');

function bind(params: SqlParams | undefined): unknown[] {
  if (params === undefined) return [];
  const fix = (v: SqlParam) => {
    if (Array.isArray(v)) throw new TypeError('SQLite takes no array parameters (they are for PostgreSQL)');
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  };
  if (Array.isArray(params)) return (params as readonly SqlParam[]).map(fix);
  const named: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) named[k] = fix(v as SqlParam);
  return [named];
}

/** Runs statements on the connection, no questions asked: the root store decides when it may. */
class Runner {
  /** prepared statements by what they answer: row objects, the first column, rows as arrays */
  private readonly cached = { objects: new Map<string, Statement>(), pluck: new Map<string, Statement>(), raw: new Map<string, Statement>() };
  constructor(readonly client: Database.Database) {}

  prepare(sql: string, mode: keyof Runner['cached'] = 'objects'): Statement {
    const cache = this.cached[mode];
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= STATEMENT_LIMIT) cache.clear();
      statement = this.client.prepare(sql);
      if (mode === 'pluck') statement.pluck(true);
      if (mode === 'raw' && statement.reader) statement.raw(true);
      cache.set(sql, statement);
    }
    return statement;
  }

  /** Every row, as objects or (`raw`) as arrays; a statement that returns none is run. */
  all<T>(sql: string, params?: SqlParams, mode: 'objects' | 'raw' = 'objects'): T[] {
    const statement = this.prepare(sql, mode);
    return (statement.reader ? statement.all(...bind(params)) : (statement.run(...bind(params)), [])) as T[];
  }

  rows<T>(sql: string, params?: SqlParams): T[] {
    return this.all<T>(sql, params, 'raw');
  }

  get<T>(sql: string, params?: SqlParams): T | undefined {
    const statement = this.prepare(sql);
    if (!statement.reader) {
      statement.run(...bind(params));
      return undefined;
    }
    return statement.get(...bind(params)) as T | undefined;
  }

  column<T>(sql: string, params?: SqlParams): T[] {
    return this.prepare(sql, 'pluck').all(...bind(params)) as T[];
  }

  run(sql: string, params?: SqlParams): { changes: number } {
    const statement = this.prepare(sql);
    if (statement.reader) {
      statement.all(...bind(params));
      return { changes: 0 };
    }
    return { changes: statement.run(...bind(params)).changes };
  }
}

class SqliteTx implements Store {
  readonly engine = 'sqlite' as const;
  readonly dialect = dialectOf('sqlite');
  readonly inTransaction = true;
  private savepoints = 0;
  constructor(private readonly runner: Runner) {}

  async all<T = Row>(sql: string, params?: SqlParams) { return this.runner.all<T>(sql, params); }
  async rows<T extends unknown[] = unknown[]>(sql: string, params?: SqlParams) { return this.runner.rows<T>(sql, params); }
  async get<T = Row>(sql: string, params?: SqlParams) { return this.runner.get<T>(sql, params); }
  async column<T = unknown>(sql: string, params?: SqlParams) { return this.runner.column<T>(sql, params); }
  async value<T = unknown>(sql: string, params?: SqlParams) { return this.runner.column<T>(sql, params)[0]; }
  async run(sql: string, params?: SqlParams) { return this.runner.run(sql, params); }
  async runMany(sql: string, rows: readonly SqlParams[]) {
    let changes = 0;
    for (const params of rows) changes += this.runner.run(sql, params).changes;
    return changes;
  }

  async tx<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    const name = `sp_${++this.savepoints}`;
    this.runner.client.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      this.runner.client.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.runner.client.exec(`ROLLBACK TO ${name}`);
      this.runner.client.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      this.savepoints--;
    }
  }

  async close(): Promise<void> {
    throw new Error('A transaction cannot close the store');
  }
}

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly dialect = dialectOf('sqlite');
  readonly inTransaction = false;
  private readonly runner: Runner;
  private readonly current = new AsyncLocalStorage<SqliteTx>();
  /** settles when the transaction holding the connection ends */
  private held: Promise<void> | null = null;
  /** a third, read-only connection for read-only transactions, opened on first use */
  private snapshots: Runner | null = null;
  /** settles when the last read-only transaction queued on it ends (each waits for the one before) */
  private snapshotQueue: Promise<void> = Promise.resolve();

  private readonly reading: Runner | null;
  /** statements the reader found to write: they go to the writer */
  private readonly writes = new Set<string>();
  private checkpointer: Checkpointer | null = null;
  /**
   * This process's use of the file's one write lock since the store opened: seconds spent waiting
   * for it (another process held it), seconds holding it (write transactions, from BEGIN to COMMIT
   * or ROLLBACK) and how many write transactions. Exported as metrics; how close to always taken
   * the lock is says when a deployment has outgrown one SQLite file.
   */
  readonly writeLock = { waitSeconds: 0, heldSeconds: 0, transactions: 0 };

  /** `reader`: a read-only connection to the same file (none: the one connection does everything) */
  constructor(
    readonly client: Database.Database,
    readonly reader: Database.Database | null = null,
  ) {
    this.runner = new Runner(client);
    this.reading = reader ? new Runner(reader) : null;
  }

  /**
   * `BEGIN IMMEDIATE`, waiting for another process's write lock on a timer instead of in
   * SQLite's busy handler, which would hold the thread (and every request of this process) while
   * it sleeps.
   */
  private async beginImmediate(): Promise<void> {
    const waitMs = Number(this.client.pragma('busy_timeout', { simple: true })) || 0;
    const deadline = Date.now() + waitMs;
    for (;;) {
      this.client.exec('PRAGMA busy_timeout = 0');
      try {
        this.client.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
      } finally {
        this.client.exec(`PRAGMA busy_timeout = ${waitMs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }

  /**
   * A read-only transaction on a connection of its own: its statements see one snapshot of the
   * file, whatever other connections commit meanwhile; the writer stays free, and other callers'
   * plain reads (on the reader) see each commit as before. One such transaction at a time.
   */
  private async snapshot<T>(reading: Runner, fn: (tx: Store) => Promise<T>): Promise<T> {
    let release!: () => void;
    const before = this.snapshotQueue;
    this.snapshotQueue = new Promise<void>((resolve) => (release = resolve));
    await before;
    const tx = new SqliteTx(reading);
    try {
      reading.client.exec('BEGIN');
      try {
        return await this.current.run(tx, () => fn(tx));
      } finally {
        if (reading.client.inTransaction) reading.client.exec('COMMIT');
      }
    } finally {
      release();
    }
  }

  /** The reader's runner when `sql` only reads, else null (it goes to the writer). */
  private readerFor(sql: string): Runner | null {
    if (!this.reading || this.writes.has(sql)) return null;
    try {
      if (this.reading.prepare(sql).readonly) return this.reading;
    } catch {
      // e.g. a statement the read-only connection refuses to prepare
    }
    if (this.writes.size >= STATEMENT_LIMIT) this.writes.clear();
    this.writes.add(sql);
    return null;
  }

  /**
   * Runs a statement: inside the caller's own transaction, on it (`inTx`); else on the reader when
   * it only reads, or on the writer once no other caller's transaction holds it, at once (no await
   * between that check and the run).
   */
  private async on<T>(sql: string, inTx: (tx: SqliteTx) => Promise<T>, run: (runner: Runner) => T): Promise<T> {
    const own = this.current.getStore();
    if (own) return inTx(own);
    const reader = this.readerFor(sql);
    if (reader) return run(reader);
    while (this.held) await this.held;
    return run(this.runner);
  }

  async all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.on(sql, (tx) => tx.all<T>(sql, params), (r) => r.all<T>(sql, params));
  }

  async rows<T extends unknown[] = unknown[]>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.on(sql, (tx) => tx.rows<T>(sql, params), (r) => r.rows<T>(sql, params));
  }

  async get<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.on(sql, (tx) => tx.get<T>(sql, params), (r) => r.get<T>(sql, params));
  }

  async column<T = unknown>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.on(sql, (tx) => tx.column<T>(sql, params), (r) => r.column<T>(sql, params));
  }

  async value<T = unknown>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.column<T>(sql, params))[0];
  }

  async run(sql: string, params?: SqlParams): Promise<{ changes: number }> {
    const own = this.current.getStore();
    if (own) return own.run(sql, params);
    while (this.held) await this.held;
    return this.runner.run(sql, params);
  }

  async runMany(sql: string, rows: readonly SqlParams[]): Promise<number> {
    return this.tx((tx) => tx.runMany(sql, rows));
  }

  async tx<T>(fn: (tx: Store) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const own = this.current.getStore();
    if (own) return own.tx(fn);
    if (options.readOnly && this.reader) {
      this.snapshots ??= new Runner(openDatabase(this.reader.name, { readonly: true }).$client);
      return this.snapshot(this.snapshots, fn);
    }
    while (this.held) await this.held;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    const tx = new SqliteTx(this.runner);
    let began = 0;
    try {
      if (options.readOnly) this.client.exec('BEGIN');
      else {
        const asked = performance.now();
        try {
          await this.beginImmediate();
        } finally {
          // a wait that ran out (SQLITE_BUSY) was waited too
          this.writeLock.waitSeconds += (performance.now() - asked) / 1000;
        }
        began = performance.now();
      }
      try {
        const result = await this.current.run(tx, () => fn(tx));
        this.client.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.client.inTransaction) this.client.exec('ROLLBACK');
        throw error;
      }
    } finally {
      if (began) {
        this.writeLock.heldSeconds += (performance.now() - began) / 1000;
        this.writeLock.transactions += 1;
      }
      this.held = null;
      release();
    }
  }

  /**
   * For server processes (web and worker): the write-ahead log is checkpointed on a thread of
   * its own instead of inside this connection's commits (see checkpointer.ts).
   */
  checkpointInThread(): Checkpointer | null {
    if (!this.checkpointer && !this.client.memory && !this.client.readonly) this.checkpointer = checkpointInThread(this.client);
    return this.checkpointer;
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.reader?.open) this.reader.close();
    if (this.snapshots?.client.open) this.snapshots.client.close();
    if (this.client.open) this.client.close();
  }
}
