/**
 * Bulk scoring over several cores, for the command line (`npm run rescore`, seeding, benchmarks):
 * accounts are independent, so worker threads (scoring-worker.ts), each with its own read-only
 * connection to the SQLite file, load and score chunks of accounts while this thread writes the
 * results, one transaction per chunk as the single-threaded `rescore` and `rebuildHistory` do.
 * The results are the same; only where the work runs differs. On PostgreSQL (no file to share)
 * the work runs in this thread, through the store.
 *
 * Not for the Next.js server: a worker entry is a separate module file, which the server bundle
 * does not ship. The server keeps calling `rescore` and `rebuildHistory` in process.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SqliteStore, type Store } from '@/lib/server/store';
import { ACCOUNTS_PER_BATCH, historyContext, HistoryWriter, rebuildHistory, type HistoryBatch, type HistoryOptions } from './history';
import { ScoreWriter, type ScoredAccount } from './score-writer';
import { CHUNK, rescore, rescoreContext, RescoreTally, type RescoreOptions, type RescoreSummary } from './scores';
import type { WorkerTask } from './scoring-worker';

/** Two cores by default (the machines this runs on), never more than the machine has. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

const ENTRY = path.join(__dirname, 'scoring-worker.ts');

/**
 * Sends each task to one of `workers` threads (two in flight per thread, so a thread computes
 * while this one writes its previous result) and hands every result to `onResult` here, one at a
 * time per thread, in the order they complete. Rejects on the first failure, after stopping every
 * thread.
 */
function runOnWorkers<R>(file: string, tasks: WorkerTask[], workers: number, onResult: (result: R) => Promise<void>): Promise<void> {
  // The entry is TypeScript: the thread registers tsx's CommonJS loader (as the scripts run under tsx) before loading it.
  const pool = Array.from(
    { length: Math.max(1, Math.min(workers, tasks.length)) },
    () => new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(ENTRY)});`, { eval: true, workerData: { file } }),
  );
  let next = 0;
  let failed = false;
  const stopAll = () => Promise.all(pool.map((w) => w.terminate()));
  return new Promise<void>((resolve, reject) => {
    let running = pool.length;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      void stopAll().then(() => reject(error));
    };
    for (const w of pool) {
      // tasks sent to this thread whose results are not written yet
      let inFlight = 0;
      let writing = Promise.resolve();
      const feed = () => {
        while (!failed && inFlight < 2 && next < tasks.length) {
          w.postMessage(tasks[next++]);
          inFlight++;
        }
        if (inFlight === 0 && !failed) {
          void w.terminate();
          if (--running === 0) resolve();
        }
      };
      w.on('message', (result: R) => {
        writing = writing.then(async () => {
          if (failed) return;
          await onResult(result);
          inFlight--;
          feed();
        });
        writing.catch(fail);
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (inFlight > 0) fail(new Error(`a scoring worker stopped (exit code ${code}) with work in hand`));
      });
      feed();
    }
  });
}

function chunks(pks: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < pks.length; i += size) out.push(pks.slice(i, i + size));
  return out;
}

/**
 * `rescore` on worker threads. `file` is the SQLite file `db` has open (the workers open it
 * read-only). Phases: load and score are summed over the workers (thread time, not wall time).
 * On PostgreSQL, `rescore` itself.
 */
export async function rescoreOnWorkers(db: Store, file: string, options: RescoreOptions & { workers?: number } = {}): Promise<RescoreSummary> {
  if (!(db instanceof SqliteStore)) return rescore(db, options);
  const started = performance.now();
  const now = options.now ?? Date.now();
  const ctx = await rescoreContext(db, { asOf: options.asOf, now });
  const writer = new ScoreWriter(ctx.model, ctx.version, now);
  const pks = options.accountPks ? [...new Set(options.accountPks)] : await db.column<number>('SELECT pk FROM accounts ORDER BY pk');
  const phases = { loadMs: 0, scoreMs: 0, writeMs: 0 };
  const tally = new RescoreTally();
  const tasks: WorkerTask[] = chunks(pks, CHUNK).map((part) => ({ kind: 'rescore', ctx, pks: part }));
  await runOnWorkers<{ accounts: ScoredAccount[]; phases: { loadMs: number; scoreMs: number } }>(file, tasks, options.workers ?? defaultWorkers(), async (r) => {
    const t0 = performance.now();
    tally.add(r.accounts.length, await db.tx((tx) => writer.write(tx, r.accounts)));
    phases.writeMs += performance.now() - t0;
    phases.loadMs += r.phases.loadMs;
    phases.scoreMs += r.phases.scoreMs;
    options.onProgress?.(tally.accounts, pks.length);
  });
  return { accounts: tally.accounts, modelVersion: ctx.version, asOf: ctx.asOf, bandChanges: tally.bandChanges, flagsRaised: tally.flagsRaised, ms: performance.now() - started, phases };
}

/**
 * Below this many accounts, starting the threads (each loads and compiles the engine: about a
 * second) costs more than they save.
 */
const MIN_ACCOUNTS = 1000;

/**
 * `rebuildHistory` on worker threads (see `rescoreOnWorkers`); in this thread for fewer than
 * `minAccounts` (default 1,000), and on PostgreSQL.
 */
export async function rebuildHistoryOnWorkers(
  db: Store,
  file: string,
  options: HistoryOptions & { workers?: number; minAccounts?: number } = {},
): Promise<{ snapshots: number; days: number; accounts: number; ms: number }> {
  const started = performance.now();
  const pks = options.accountPks ?? (await db.column<number>('SELECT pk FROM accounts ORDER BY pk'));
  const workers = options.workers ?? defaultWorkers();
  if (!(db instanceof SqliteStore) || workers < 2 || pks.length < (options.minAccounts ?? MIN_ACCOUNTS)) return rebuildHistory(db, { ...options, accountPks: pks });
  const ctx = await historyContext(db, options);
  const writer = new HistoryWriter(db, ctx.fromDay);
  const tasks: WorkerTask[] = chunks(pks, ACCOUNTS_PER_BATCH).map((part) => ({ kind: 'history', ctx, pks: part }));
  let snapshots = 0;
  let done = 0;
  await runOnWorkers<{ batch: HistoryBatch }>(file, tasks, workers, async ({ batch }) => {
    await writer.write(batch);
    snapshots += batch.snapshots;
    done += batch.firstDays.length;
    options.onProgress?.(done, pks.length);
  });
  return { snapshots, days: ctx.toDay - ctx.fromDay + 1, accounts: pks.length, ms: performance.now() - started };
}
