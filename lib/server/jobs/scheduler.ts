/**
 * Work the server does without anyone asking: accounts left waiting for a rescore (by a crash
 * between an event commit and its rescore, or by another process) are rescored; as days pass the
 * scoring windows move, so current scores are refreshed once the stored ones are as of an earlier
 * day; stale daily snapshots (events that arrived for past days) are rebuilt in small steps;
 * webhooks are delivered; a model publish a crash interrupted resumes where it stopped.
 */
import type { Db } from '@/db/open';
import { endOfUtcDay } from '@/lib/scoring';
import { processHistoryQueue } from '../commands/history-queue';
import { resumeInterruptedJobs } from '../commands/model-job';
import { rescore } from '../commands/scores';
import { deliverDueWebhooks } from '../commands/webhooks';
import { ingestIsBusy } from '../ingest-queue';
import { rescoreSoon } from '../rescore-drainer';

const REFRESH_CHECK_MS = 60_000;
/** how often to look for accounts waiting for a rescore that no request of this server queued */
const PENDING_CHECK_MS = 1_000;
const HISTORY_QUEUE_MS = 2_000;
const WEBHOOKS_MS = 10_000;
/**
 * Accounts whose past snapshots are rebuilt per step: fewer while event batches are arriving, so
 * that a backfill is not slowed down by rebuilding the history it keeps invalidating (current
 * scores follow the events within a second, through the rescore drainer; only past days'
 * snapshots wait).
 */
const HISTORY_STEP = 200;
const HISTORY_STEP_WHILE_INGESTING = 10;

/** True when some stored score is as of an earlier day than today's end (or a new day began). */
export function scoresAreStale(db: Db, now = Date.now()): boolean {
  const oldest = db.$client.prepare('SELECT min(as_of) FROM scores').pluck().get() as number | null;
  return oldest !== null && oldest < endOfUtcDay(now);
}

export function refreshIfStale(db: Db, now = Date.now()): boolean {
  if (!scoresAreStale(db, now)) return false;
  const summary = rescore(db, { now });
  console.log(`Daily refresh: rescored ${summary.accounts} accounts in ${Math.round(summary.ms)} ms`);
  return true;
}

/** Starts the drainer when accounts wait for a rescore (a read: no write lock taken to look). */
export function drainIfPending(db: Db): boolean {
  const waiting = db.$client.prepare('SELECT 1 FROM rescore_pending LIMIT 1').pluck().get() !== undefined;
  if (waiting) rescoreSoon(db);
  return waiting;
}

export function startScheduler(db: Db): () => void {
  let busy = false;
  // One job at a time: they share the connection and must not interleave their transactions.
  const guard = (name: string, fn: () => unknown) => async () => {
    if (busy) return;
    busy = true;
    try {
      await fn();
    } catch (error) {
      console.error(`Background job "${name}" failed`, error);
    } finally {
      busy = false;
    }
  };
  const timers = [
    setInterval(guard('daily refresh', () => refreshIfStale(db)), REFRESH_CHECK_MS),
    setInterval(guard('history queue', () => processHistoryQueue(db, ingestIsBusy() ? HISTORY_STEP_WHILE_INGESTING : HISTORY_STEP)), HISTORY_QUEUE_MS),
    setInterval(guard('webhooks', () => deliverDueWebhooks(db)), WEBHOOKS_MS),
    setInterval(() => drainIfPending(db), PENDING_CHECK_MS),
  ];
  timers.forEach((t) => t.unref());
  // Work a crash left between an event commit and its rescore is finished first, and a publish
  // the crash interrupted resumes from the last account it had done.
  drainIfPending(db);
  resumeInterruptedJobs(db);
  void guard('daily refresh', () => refreshIfStale(db))();
  return () => timers.forEach(clearInterval);
}
