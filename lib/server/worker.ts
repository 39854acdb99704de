/**
 * The background work: rescoring the accounts that new events touched, the daily refresh, stale
 * history, webhook deliveries. It runs in the web process (the default: one command runs
 * everything) or, with `TRELLIS_WORKER=off` for the web processes, in its own process started by
 * `npm run worker`. A worker learns of other processes' commits by watching SQLite's
 * `data_version`, which changes whenever another connection commits: a batch committed by a web
 * process is picked up within one watch interval.
 */
import type { Db } from '@/db/open';
import { runOpenPublishJobs } from './commands/model-job';
import { drainIfPending, startScheduler } from './jobs/scheduler';
import { drainAsDedicatedWorker } from './rescore-drainer';

export { backgroundWorkHere } from './worker-mode';

/** How often a worker looks for commits of other processes (a read of one pragma). */
const WATCH_MS = 25;

/** Calls `onCommit` soon after another connection commits to the database. */
export function watchCommits(db: Db, onCommit: () => void, everyMs = WATCH_MS): () => void {
  const version = db.$client.prepare('PRAGMA data_version').pluck();
  let last = version.get() as number;
  const timer = setInterval(() => {
    if (!db.$client.open) return;
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
 * Starts the background work on this connection; answers a function that stops it. `dedicated`:
 * this process does nothing else (`npm run worker`): it also runs the publish jobs that web
 * processes without the background work record, and pauses between rescore chunks so that their
 * event batches get the write lock.
 */
export function startWorker(db: Db, options: { dedicated?: boolean } = {}): () => void {
  if (options.dedicated) drainAsDedicatedWorker();
  const stopScheduler = startScheduler(db);
  const stopWatching = watchCommits(db, () => {
    drainIfPending(db);
    if (options.dedicated) runOpenPublishJobs(db);
  });
  return () => {
    stopWatching();
    stopScheduler();
  };
}
