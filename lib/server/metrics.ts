/**
 * Prometheus metrics (prom-client), served by `GET /api/metrics` when it is switched on
 * (`metricsAccess`). Two kinds:
 * - counted by this process as things happen: HTTP requests by route template and status (every
 *   request the server answers, lib/server/http-observer.ts), event batches and events ingested
 *   through the API and the Segment endpoint, and Node's own process metrics. With several web
 *   processes each counts its own; Prometheus scrapes each and sums.
 * - read from the database at scrape time (`renderMetrics`): the rescore and history queues, the
 *   background jobs by kind and state, the database's size. They describe the whole deployment,
 *   whichever process is scraped.
 * - on SQLite, this process's waits for the file's one write lock and the time it held it
 *   (`SqliteStore.writeLock`): the sign that a deployment has outgrown one file.
 */
import fs from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SqliteStore, Store } from '@/lib/server/store';
import { AppError } from './errors';

export type IngestSource = 'api' | 'segment';

interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  ingestBatches: Counter<'source' | 'outcome'>;
  ingestEvents: Counter<'source' | 'outcome'>;
  rescorePending: Gauge;
  rescoreOldest: Gauge;
  historyStale: Gauge;
  historyOldest: Gauge;
  jobs: Gauge<'kind' | 'state'>;
  databaseSize: Gauge;
  /** SQLite only, made when a SQLite store is first scraped */
  writeLock?: { wait: Counter; held: Counter; transactions: Counter };
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const labels = ['method', 'route', 'status'] as const;
  return {
    registry,
    httpRequests: new Counter({ name: 'trellis_http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames: labels, registers }),
    httpDuration: new Histogram({
      name: 'trellis_http_request_duration_seconds',
      help: 'Time from the request to the end of its answer, by method, route template and status',
      labelNames: labels,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    ingestBatches: new Counter({ name: 'trellis_ingest_batches_total', help: 'Event batches received, by source (api, segment) and outcome (accepted, rejected)', labelNames: ['source', 'outcome'], registers }),
    ingestEvents: new Counter({
      name: 'trellis_ingest_events_total',
      help: 'Events received, by source and outcome: accepted (stored), duplicate (an id already stored), rejected (in a refused batch)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    rescorePending: new Gauge({ name: 'trellis_rescore_pending_accounts', help: 'Accounts waiting for a rescore after new events (rows of rescore_pending)', registers }),
    rescoreOldest: new Gauge({ name: 'trellis_rescore_pending_oldest_seconds', help: 'Age of the oldest account waiting for a rescore; 0 when none waits', registers }),
    historyStale: new Gauge({ name: 'trellis_history_stale_accounts', help: "Accounts whose past days' snapshots wait to be rebuilt (rows of history_stale)", registers }),
    historyOldest: new Gauge({ name: 'trellis_history_stale_oldest_seconds', help: 'Age of the oldest history rebuild waiting; 0 when none waits', registers }),
    jobs: new Gauge({ name: 'trellis_jobs', help: 'Background jobs (publishes, imports) by kind and state (running, done, failed)', labelNames: ['kind', 'state'], registers }),
    databaseSize: new Gauge({ name: 'trellis_database_size_bytes', help: 'Size of the database: the SQLite file with its write-ahead log, or pg_database_size', registers }),
  };
}

// On globalThis: the request observer (started from instrumentation.ts), route handlers and the
// metrics route may be bundled apart, each with its own copy of this module; they share one registry.
const holder = globalThis as unknown as { trellisMetrics?: Metrics };

function metrics(): Metrics {
  return (holder.trellisMetrics ??= createMetrics());
}

/** Counts one answered request (`route` is the route's template, never the raw path). */
export function recordRequest(method: string, route: string, status: string, seconds: number): void {
  const m = metrics();
  const labels = { method, route, status };
  m.httpRequests.inc(labels);
  m.httpDuration.observe(labels, seconds);
}

/**
 * Counts one event batch: an accepted one with its stored and duplicate events, a refused one
 * (nothing written) with the events it held (0 when the body was not a list).
 */
export function recordIngest(source: IngestSource, outcome: { accepted: number; duplicates: number } | { rejected: number }): void {
  const m = metrics();
  if ('rejected' in outcome) {
    m.ingestBatches.inc({ source, outcome: 'rejected' });
    m.ingestEvents.inc({ source, outcome: 'rejected' }, outcome.rejected);
    return;
  }
  m.ingestBatches.inc({ source, outcome: 'accepted' });
  m.ingestEvents.inc({ source, outcome: 'accepted' }, outcome.accepted);
  m.ingestEvents.inc({ source, outcome: 'duplicate' }, outcome.duplicates);
}

interface IngestCounts {
  accepted: number;
  duplicates: number;
}

/**
 * Runs one batch's ingest and counts it: accepted, with its stored and duplicate events, or
 * refused as a whole (400, 413: nothing written), with the items of the body it read (`seen`
 * is told the body, or the number of items, as soon as it is read).
 */
export async function countedIngest<R>(
  source: IngestSource,
  ingest: (seen: (body: unknown) => void) => Promise<R>,
  counts: (result: R) => IngestCounts = (result) => result as IngestCounts,
): Promise<R> {
  let items = 0;
  try {
    const result = await ingest((body) => {
      items = typeof body === 'number' ? body : Array.isArray(body) ? body.length : 0;
    });
    recordIngest(source, counts(result));
    return result;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'invalid' || error.code === 'too_large')) recordIngest(source, { rejected: items });
    throw error;
  }
}

export interface DatabaseGauges {
  rescorePending: number;
  rescoreOldestSeconds: number;
  historyStale: number;
  historyOldestSeconds: number;
  jobs: { kind: string; state: string; count: number }[];
  databaseBytes: number;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

async function databaseBytes(db: Store): Promise<number> {
  // By engine, not instanceof: the store may have been made by another bundle's copy of its class.
  if (db.engine === 'sqlite') {
    const { client } = db as SqliteStore;
    return client.memory ? 0 : fileSize(client.name) + fileSize(`${client.name}-wal`);
  }
  return (await db.value<number>('SELECT pg_database_size(current_database())')) ?? 0;
}

/** What the gauges read from the database, as of `now`. */
export async function readDatabaseGauges(db: Store, now = Date.now()): Promise<DatabaseGauges> {
  const queue = async (table: 'rescore_pending' | 'history_stale') => {
    const row = await db.get<{ n: number; oldest: number | null }>(`SELECT count(*) AS n, min(queued_at) AS oldest FROM ${table}`);
    return { count: row?.n ?? 0, oldestSeconds: row?.oldest == null ? 0 : Math.max(0, (now - row.oldest) / 1000) };
  };
  const rescore = await queue('rescore_pending');
  const history = await queue('history_stale');
  // Imports are jobs too (GET /api/v1/jobs/import-N): kinds import.events, import.accounts, ...
  const jobs = await db.all<{ kind: string; state: string; n: number }>(
    `SELECT kind, status AS state, count(*) AS n FROM jobs GROUP BY kind, status
     UNION ALL SELECT 'import.' || kind AS kind, status AS state, count(*) AS n FROM import_runs GROUP BY kind, status`,
  );
  return {
    rescorePending: rescore.count,
    rescoreOldestSeconds: rescore.oldestSeconds,
    historyStale: history.count,
    historyOldestSeconds: history.oldestSeconds,
    jobs: jobs.map((j) => ({ kind: j.kind, state: j.state, count: j.n })),
    databaseBytes: await databaseBytes(db),
  };
}

/** The metrics in Prometheus's text format, the database's gauges read now through `db`. */
export async function renderMetrics(db: Store, now = Date.now()): Promise<{ contentType: string; text: string }> {
  const m = metrics();
  const g = await readDatabaseGauges(db, now);
  m.rescorePending.set(g.rescorePending);
  m.rescoreOldest.set(g.rescoreOldestSeconds);
  m.historyStale.set(g.historyStale);
  m.historyOldest.set(g.historyOldestSeconds);
  // Kinds and states that no longer have rows leave the output rather than keep their last count.
  m.jobs.reset();
  for (const j of g.jobs) m.jobs.set({ kind: j.kind, state: j.state }, j.count);
  m.databaseSize.set(g.databaseBytes);
  if (db.engine === 'sqlite') setWriteLock(m, (db as SqliteStore).writeLock);
  return { contentType: m.registry.contentType, text: await m.registry.metrics() };
}

/** This process's use of SQLite's write lock (`SqliteStore.writeLock`), as counters since it started. */
function setWriteLock(m: Metrics, lock: SqliteStore['writeLock']): void {
  const registers = [m.registry];
  m.writeLock ??= {
    wait: new Counter({ name: 'trellis_sqlite_write_lock_wait_seconds_total', help: "Time this process waited for the SQLite file's write lock while another process held it", registers }),
    held: new Counter({ name: 'trellis_sqlite_write_lock_held_seconds_total', help: "Time this process held the SQLite file's write lock (its write transactions, BEGIN to COMMIT)", registers }),
    transactions: new Counter({ name: 'trellis_sqlite_write_transactions_total', help: 'Write transactions of this process on the SQLite file', registers }),
  };
  const set = (counter: Counter, value: number) => {
    counter.reset();
    counter.inc(value);
  };
  set(m.writeLock.wait, lock.waitSeconds);
  set(m.writeLock.held, lock.heldSeconds);
  set(m.writeLock.transactions, lock.transactions);
}

export type MetricsAccess = { kind: 'off' } | { kind: 'open' } | { kind: 'token'; token: string };

/**
 * Whether `GET /api/metrics` answers: `TRELLIS_METRICS_TOKEN` set, with that bearer token;
 * `TRELLIS_METRICS=open`, to anyone who reaches it (a private network); otherwise off (404).
 */
export function metricsAccess(env: Record<string, string | undefined> = process.env): MetricsAccess {
  const token = env.TRELLIS_METRICS_TOKEN?.trim();
  if (token) return { kind: 'token', token };
  if (env.TRELLIS_METRICS?.trim().toLowerCase() === 'open') return { kind: 'open' };
  return { kind: 'off' };
}
