/**
 * The background work: rescoring the accounts that new events touched, the daily refresh, stale
 * history, webhook deliveries. It runs in the web process (the default: one command runs
 * everything) or, with `TRELLIS_WORKER=off` for the web processes, in its own process started by
 * `npm run worker`. On SQLite a worker learns of other processes' commits by watching the file's
 * `data_version`, which changes whenever another connection commits: a batch committed by a web
 * process is picked up within one interval. On PostgreSQL, where any number of web processes and
 * workers share the database, web processes announce work through the job queue
 * (lib/server/queue, graphile-worker: LISTEN/NOTIFY, so a worker wakes at once) and whichever
 * worker takes the job does it.
 */
import { PostgresStore, SqliteStore, type Store } from '@/lib/server/store';
import { AppError } from './errors';
import { loggedStep, logger } from './log';
import { processHistoryQueue } from './commands/history-queue';
import { releaseAllClaims } from './commands/rescore-pending';
import { resumeInterruptedJobs, runOpenPublishJobs } from './commands/model-job';
import { runRiskJobs } from './commands/risk';
import { deliverDueWebhooks } from './commands/webhooks';
import { resumeImports } from './imports/csv-import';
import { drainIfPending, refreshIfStale, startScheduler, sweepProgrammeIfDue } from './jobs/scheduler';
import { enqueue, startQueueWorker, TASKS, type QueueWorker, type TaskHandlers } from './queue';
import { drainAsDedicatedWorker, releaseDrainerClaim, rescoreSoon } from './rescore-drainer';
import { storeIsOpen } from './worker-mode';

export { backgroundWorkHere } from './worker-mode';

/** How often a worker looks for commits of other processes on SQLite (a read of one pragma). */
const WATCH_MS = 25;

/** Calls `onCommit` soon after another connection commits to the SQLite file. */
export function watchCommits(db: Store, onCommit: () => void, everyMs = WATCH_MS): () => void {
  if (!(db instanceof SqliteStore)) {
    throw new AppError('internal', "Watching for commits reads SQLite's data_version; on PostgreSQL the job queue wakes the workers");
  }
  const version = db.client.prepare('PRAGMA data_version').pluck();
  let last = version.get() as number;
  const timer = setInterval(() => {
    if (!db.client.open) return;
    const now = version.get() as number;
    if (now !== last) {
      last = now;
      onCommit();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Starts the background work on this store; answers a function that stops it (and gives back the
 * accounts its rescoring had claimed and not rescored yet), which answers false when a job of the
 * queue was still running after `stopWaitMs()` and was handed back to the queue instead: its
 * process must then exit without closing the store (see `startQueueWork`). `dedicated`:
 * this process does nothing else (`npm run worker`): it also runs the publish jobs that web
 * processes without the background work record, and pauses between rescore chunks so that their
 * event batches get the write lock.
 */
export function startWorker(db: Store, options: { dedicated?: boolean } = {}): () => Promise<boolean> {
  if (options.dedicated) drainAsDedicatedWorker();
  const stopWork = db instanceof PostgresStore ? startQueueWork(db) : startFileWork(db, options.dedicated === true);
  return async () => {
    const stopped = await stopWork();
    await releaseDrainerClaim(db).catch((error: unknown) => logger.error({ err: error, job: 'rescore' }, 'Giving back the accounts claimed for rescoring failed; they wait for their lease to run out'));
    return stopped;
  };
}

/** On SQLite: the scheduler, and the work other processes' commits call for (seen by watching the file). */
function startFileWork(db: Store, dedicated: boolean): () => boolean {
  // Before the first drain: what a killed drainer claimed is rescored now, not after its lease.
  void releaseAllClaims(db)
    .then((released) => {
      if (released) logger.info({ job: 'rescore', accounts: released }, 'Took back the accounts a stopped drainer had claimed');
    })
    .catch((error: unknown) => {
      if (storeIsOpen(db)) logger.error({ err: error, job: 'rescore' }, 'Taking back the accounts a stopped drainer had claimed failed; they wait for their lease to run out');
    });
  const stopScheduler = startScheduler(db);
  const stopWatching = watchCommits(db, () => {
    drainIfPending(db).catch((error: unknown) => {
      if (storeIsOpen(db)) logger.error({ err: error, job: 'rescore' }, 'Looking for accounts waiting for a rescore failed');
    });
    if (dedicated) {
      void publishJobs(db);
      void riskJobs(db);
    }
  });
  return () => {
    stopWatching();
    stopScheduler();
    return true;
  };
}

function publishJobs(db: Store): Promise<unknown> {
  return runOpenPublishJobs(db).catch((error: unknown) => {
    if (storeIsOpen(db)) logger.error({ err: error, job: 'publish' }, 'Looking for publish jobs to run failed');
  });
}

function riskJobs(db: Store): Promise<unknown> {
  return runRiskJobs(db).catch((error: unknown) => {
    if (storeIsOpen(db)) logger.error({ err: error, job: 'risk' }, 'Looking for churn-risk fits to run failed');
  });
}

/**
 * How long a stopping worker waits for its running jobs (PostgreSQL) before handing them back to
 * the queue: `TRELLIS_WORKER_STOP_WAIT_MS`, 5 s by default. Keep it below the time the process
 * manager allows between SIGTERM and SIGKILL.
 */
export function stopWaitMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.TRELLIS_WORKER_STOP_WAIT_MS?.trim();
  if (!raw) return 5_000;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) {
    throw new AppError('invalid', `TRELLIS_WORKER_STOP_WAIT_MS must be a whole number of milliseconds from 0 to 600000, not "${raw}"`);
  }
  return ms;
}

/** Stale history rebuilt per step by the history task. */
const HISTORY_STEP = 200;

/**
 * On PostgreSQL: this process takes jobs from the queue (lib/server/queue), alongside any number
 * of other workers. Each task starts the work here and the claims in the database share it out:
 * rescoring runs through this process's drainer, publish jobs through their locked steps.
 */
function startQueueWork(db: PostgresStore): () => Promise<boolean> {
  const waitMs = stopWaitMs();
  const handlers: TaskHandlers = {
    rescore: async () => {
      rescoreSoon(db);
      // Rescoring raises alerts whose webhooks are due now.
      await enqueue(db, 'webhooks', { delayMs: 1_000 });
    },
    history: async () => {
      // A stopping worker ends the job between two steps; the next one, here or elsewhere, goes on.
      while (!stopped && (await loggedStep('history', async () => ({ accounts: await processHistoryQueue(db, HISTORY_STEP) }))).accounts > 0 && storeIsOpen(db));
    },
    webhooks: async () => {
      await loggedStep('webhooks', () => deliverDueWebhooks(db));
    },
    publish: async () => {
      await runOpenPublishJobs(db);
    },
    imports: async () => {
      await resumeImports(db);
    },
    daily: async () => {
      await refreshIfStale(db);
    },
    programme: async () => {
      await sweepProgrammeIfDue(db);
    },
    risk: async () => {
      await runRiskJobs(db);
    },
  };
  let stopped = false;
  const started = (async (): Promise<QueueWorker | null> => {
    try {
      const runner = await startQueueWorker(db.pool, handlers);
      // The runner's own promise settles when it ends; a failure there is logged, never left unhandled.
      runner.promise.catch((error: unknown) => {
        if (storeIsOpen(db)) logger.error({ err: error }, 'The job queue worker stopped with an error');
      });
      if (stopped) return runner;
      // What a stopped process left: accounts waiting, a publish to resume, history, deliveries.
      await resumeInterruptedJobs(db);
      for (const task of TASKS) await enqueue(db, task);
      return runner;
    } catch (error) {
      if (storeIsOpen(db)) logger.error({ err: error }, 'Starting the job queue worker failed');
      return null;
    }
  })();
  // Stopping waits for the runner to end, so that the pool it uses is closed after it: its running
  // jobs finish, for up to `waitMs`. A job still running then (one blocked on a lock, say) is
  // handed back: graphile-worker's forceful shutdown marks it failed, unlocked, to be run again
  // after its retry delay by any worker. Its code cannot be interrupted: closing the pool under it
  // would fail its next query and graphile-worker's own bookkeeping with it (an unhandled
  // rejection, exit code 1), so the answer is false and the process exits with the pool open.
  // PostgreSQL rolls back what the job had not committed when the connections drop.
  return async () => {
    stopped = true;
    const runner = await started;
    if (!runner) return true;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
    const ended = runner.stop().then(
      () => true,
      (error: unknown) => {
        logger.error({ err: error }, 'Stopping the job queue worker failed');
        return true;
      },
    );
    const inTime = await Promise.race([ended, waited]);
    clearTimeout(timer);
    if (inTime) return true;
    logger.warn({ waitMs }, 'A job was still running when the worker stopped: it goes back to the queue, which runs it again');
    await runner.handBack('The worker stopped while this job ran; it is run again').catch((error: unknown) => logger.error({ err: error }, 'Handing the running jobs back to the queue failed; they wait for their lock to expire'));
    return false;
  };
}
