/**
 * The job queue of a PostgreSQL deployment: graphile-worker. A job here is a wake-up call, not the
 * work itself: what is to be done lives in Trellis's own tables (accounts waiting to be rescored,
 * webhook deliveries, publish and import jobs with their progress), and each task drains its table
 * until nothing is left. So:
 * - a job is enqueued in the same transaction as the rows it announces (`enqueue` runs
 *   graphile_worker.add_job through the caller's store), and never announces work that rolled back;
 * - one job per kind waits at a time (a job key); one added while the previous runs waits behind it,
 *   so work committed during a run is picked up by the next;
 * - a job's work is done once because the rows are claimed atomically by whoever drains them; a
 *   process killed mid-task leaves its rows unclaimed (their transaction rolls back), and the
 *   sweep (every minute, `crontab`) wakes a worker for every kind, so nothing waits for long:
 *   this is also how retries of webhook deliveries and the daily refresh come round.
 * A job announced from outside a transaction (after a commit) may be lost with the process that
 * was about to announce it; the sweep covers that too.
 * On SQLite there is no queue: the process doing the background work learns of commits by watching
 * the file (lib/server/worker.ts) and `enqueue` does nothing.
 */
import type pg from 'pg';
import { EventEmitter } from 'node:events';
import { Logger, run, runMigrations, type Runner, type Task, type WorkerEvents, type WorkerPool } from 'graphile-worker';
import type { Store } from '@/lib/server/store';
import { logger } from '../log';

/**
 * The kinds of background work, each a graphile-worker task of the same name: accounts waiting
 * for a rescore, stale daily history, webhook deliveries, publish jobs, CSV imports left running,
 * the daily refresh (scores as of an earlier day are recomputed), the programme sweep (cadence
 * items falling due, renewals coming near: the playbooks they fire), and churn-risk fits.
 */
export const TASKS = ['rescore', 'history', 'webhooks', 'publish', 'imports', 'daily', 'programme', 'risk'] as const;
export type TaskName = (typeof TASKS)[number];

/** What a task does when woken: drain its table. */
export type TaskHandlers = Record<TaskName, () => Promise<void>>;

/** Installs or upgrades graphile-worker's own schema (`graphile_worker`); idempotent. */
export async function migrateQueue(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: quietLogger() });
}

/**
 * Announces work of `task` (a no-op on SQLite). Inside a transaction, the job is added only if
 * the transaction commits. `delayMs` lets a burst of announcements become one run.
 */
export async function enqueue(db: Store, task: TaskName, options: { delayMs?: number } = {}): Promise<void> {
  if (db.engine !== 'postgres') return;
  const runAt = options.delayMs ? new Date(Date.now() + options.delayMs).toISOString() : null;
  await db.run(
    "SELECT 1 FROM graphile_worker.add_job(CAST(? AS text), CAST('{}' AS json), run_at := CAST(? AS timestamptz), job_key := CAST(? AS text), job_key_mode := 'preserve_run_at', max_attempts := 5)",
    [task, runAt, `trellis:${task}`],
  );
}

/** Announcements on their way, per kind: one at a time; another asked for meanwhile follows it. */
const announcing = new Map<TaskName, { again: boolean }>();

/**
 * Announces work that a commit has just recorded, without waiting for it (a no-op on SQLite).
 * Calls for one kind made while one is on its way become one more announcement after it, so a
 * stream of batches costs a few queue writes, and the last commit is always announced after it
 * happened. A failure is logged; the sweep covers it.
 */
export function announce(db: Store, task: TaskName, options: { delayMs?: number } = {}): void {
  if (db.engine !== 'postgres') return;
  const pending = announcing.get(task);
  if (pending) {
    pending.again = true;
    return;
  }
  const state = { again: false };
  announcing.set(task, state);
  enqueue(db, task, options)
    .catch((error: unknown) => logger.error({ err: error, job: task }, `Announcing background work (${task}) failed; the next sweep picks it up`))
    .finally(() => {
      announcing.delete(task);
      if (state.again) announce(db, task, options);
    });
}

function quietLogger(handingBack: () => boolean = () => false) {
  // graphile-worker's default logger prints every job to stdout; Trellis logs each step itself.
  // Handing jobs back cuts its graceful shutdown short, which it reports as errors: expected then.
  return new Logger(() => (level: string, message: string) => {
    if (level === 'error' && !handingBack()) logger.error({ queue: true }, message);
    else if (level === 'warning') logger.warn({ queue: true }, message);
    else logger.debug({ queue: true }, message);
  });
}

/**
 * Runs the queue's worker in this process until the returned runner is stopped: `concurrency`
 * tasks at once, and the sweep every minute (once across all workers: graphile-worker's cron
 * records each run). Two runs of one kind may overlap (one waiting job per kind; a job added
 * while one runs is a new job): the work they drain is claimed row by row, never done twice.
 */
export interface QueueWorker extends Runner {
  /**
   * Hands the jobs still running back to the queue (graphile-worker's forceful shutdown: each is
   * marked failed and unlocked, to be run again after its retry delay by any worker), for a
   * process that is about to exit while they run. Their code goes on until the process exits.
   */
  handBack(reason: string): Promise<void>;
}

export async function startQueueWorker(pool: pg.Pool, handlers: TaskHandlers, options: { concurrency?: number } = {}): Promise<QueueWorker> {
  const taskList = Object.fromEntries(
    TASKS.map((name): [string, Task] => [
      name,
      async () => {
        await handlers[name]();
      },
    ]),
  );
  taskList.sweep = async (_payload, helpers) => {
    for (const name of TASKS) await helpers.addJob(name, {}, { jobKey: `trellis:${name}`, jobKeyMode: 'preserve_run_at', maxAttempts: 5 });
  };
  // The runner does not expose its pool of workers, which alone can hand running jobs back: it is
  // announced on the events given to `run`, before `run` answers.
  const events: WorkerEvents = new EventEmitter();
  let workers: WorkerPool | null = null;
  let handingBack = false;
  events.on('pool:create', ({ workerPool }) => (workers = workerPool));
  const runner = await run({
    pgPool: pool,
    concurrency: options.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietLogger(() => handingBack),
    taskList,
    crontab: '* * * * * sweep ?jobKey=trellis:sweep',
    events,
    // Completions and failures through graphile-worker's batchers (at the next tick), which its
    // shutdown flushes before the runner's stop answers. Unbatched (its default), the completion of
    // a job that ends while the worker stops is sent without being waited for: closing the pool then
    // lost it, and the job stayed locked for four hours.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
  return {
    ...runner,
    async handBack(reason) {
      handingBack = true;
      if (workers) await workers.forcefulShutdown(reason);
    },
  };
}
