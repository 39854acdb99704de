/**
 * Work the server does without anyone asking: accounts left waiting for a rescore (by a crash
 * between an event commit and its rescore, or by another process) are rescored; as days pass the
 * scoring windows move, so current scores are refreshed once the stored ones are as of an earlier
 * day; stale daily snapshots (events that arrived for past days) are rebuilt in small steps;
 * webhooks are delivered; a model publish a crash interrupted resumes where it stopped; a churn-risk
 * fit recorded while no process ran it is done.
 */
import { endOfUtcDay } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { processHistoryQueue } from '../commands/history-queue';
import { resumeInterruptedJobs } from '../commands/model-job';
import { refreshAllProgramme } from '../commands/programme';
import { recordRiskFit, runRiskJobs } from '../commands/risk';
import { rescore } from '../commands/scores';
import { deliverDueWebhooks } from '../commands/webhooks';
import { ingestIsBusy } from '../ingest-queue';
import { loggedStep, logStep, logger } from '../log';
import { rescoreSoon } from '../rescore-drainer';
import { storeIsOpen } from '../worker-mode';

const REFRESH_CHECK_MS = 60_000;
/** how often to look for accounts waiting for a rescore that no request of this server queued */
const PENDING_CHECK_MS = 1_000;
const HISTORY_QUEUE_MS = 2_000;
const WEBHOOKS_MS = 10_000;
/** how often every account's cadence items and playbooks are judged again (time alone changes them) */
export const PROGRAMME_SWEEP_MS = 5 * 60_000;
/**
 * Accounts whose past snapshots are rebuilt per step: fewer while event batches are arriving, so
 * that a backfill is not slowed down by rebuilding the history it keeps invalidating (current
 * scores follow the events within a second, through the rescore drainer; only past days'
 * snapshots wait).
 */
const HISTORY_STEP = 200;
const HISTORY_STEP_WHILE_INGESTING = 10;

/** True when some stored score is as of an earlier day than today's end (or a new day began). */
export async function scoresAreStale(db: Store, now = Date.now()): Promise<boolean> {
  const oldest = (await db.value<number | null>('SELECT min(as_of) FROM scores')) ?? null;
  return oldest !== null && oldest < endOfUtcDay(now);
}

export async function refreshIfStale(db: Store, now = Date.now()): Promise<boolean> {
  if (!(await scoresAreStale(db, now))) return false;
  const clock = performance.now();
  const summary = await rescore(db, { now });
  logStep('daily', clock, { accounts: summary.accounts });
  // A day more of outcomes: the churn risk is fitted again (by this process, which does the background work).
  await recordRiskFit(db, null, 'daily refresh');
  await runRiskJobs(db);
  return true;
}

/**
 * Judges every account's cadence and playbooks again when the last sweep (of any process) is
 * older than PROGRAMME_SWEEP_MS: a renewal comes near and a touchpoint falls overdue with time alone.
 */
export async function sweepProgrammeIfDue(db: Store, now = Date.now()): Promise<boolean> {
  // One statement claims the turn: of processes looking at once, one sweeps.
  const claimed = await db.get(
    "INSERT INTO settings (key, value) VALUES ('programme.sweptAt', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value " +
      `WHERE ${db.dialect.toInt('settings.value')} <= ? RETURNING key`,
    [String(now), now - PROGRAMME_SWEEP_MS],
  );
  if (!claimed) return false;
  await loggedStep('programme', async () => ({ ...(await refreshAllProgramme(db, now)) }));
  return true;
}

/** Starts the drainer when accounts wait for a rescore (a read: no write lock taken to look). */
export async function drainIfPending(db: Store): Promise<boolean> {
  const waiting = (await db.value('SELECT 1 FROM rescore_pending LIMIT 1')) !== undefined;
  if (waiting) rescoreSoon(db);
  return waiting;
}

/**
 * Starts the timers; answers a function that stops them. Each run's failure is logged, never left
 * unhandled, and a timer whose previous run has not finished skips its turn.
 */
export function startScheduler(db: Store): () => void {
  let busy = false;
  // One job at a time: each is long (a refresh rescores every account) and they compete for the
  // same database; a turn that finds another running is skipped. Each step that did something
  // logs a line (`loggedStep`, or its own).
  const guard = (kind: string, fn: () => Promise<unknown>) => async () => {
    if (busy || !storeIsOpen(db)) return;
    busy = true;
    try {
      await fn();
    } catch (error) {
      if (storeIsOpen(db)) logger.error({ err: error, job: kind }, `Background job "${kind}" failed`);
    } finally {
      busy = false;
    }
  };
  let looking = false;
  const lookForPending = async () => {
    if (looking || !storeIsOpen(db)) return;
    looking = true;
    try {
      await drainIfPending(db);
    } catch (error) {
      if (storeIsOpen(db)) logger.error({ err: error, job: 'rescore' }, 'Looking for accounts waiting for a rescore failed');
    } finally {
      looking = false;
    }
  };
  const refresh = guard('daily', () => refreshIfStale(db));
  const history = guard('history', () => loggedStep('history', async () => ({ accounts: await processHistoryQueue(db, ingestIsBusy() ? HISTORY_STEP_WHILE_INGESTING : HISTORY_STEP) })));
  const webhooks = guard('webhooks', () => loggedStep('webhooks', () => deliverDueWebhooks(db)));
  const programme = guard('programme', () => sweepProgrammeIfDue(db));
  const timers = [
    setInterval(() => void refresh(), REFRESH_CHECK_MS),
    setInterval(() => void history(), HISTORY_QUEUE_MS),
    setInterval(() => void webhooks(), WEBHOOKS_MS),
    setInterval(() => void programme(), REFRESH_CHECK_MS),
    setInterval(() => void lookForPending(), PENDING_CHECK_MS),
  ];
  timers.forEach((t) => t.unref());
  // Work a crash left between an event commit and its rescore is finished first, and a publish
  // the crash interrupted resumes from the last account it had done.
  void (async () => {
    await lookForPending();
    try {
      await resumeInterruptedJobs(db);
    } catch (error) {
      if (storeIsOpen(db)) logger.error({ err: error, job: 'publish' }, 'Resuming the jobs a stopped server left running failed');
    }
    await guard('risk', () => runRiskJobs(db))();
    await refresh();
  })();
  return () => timers.forEach(clearInterval);
}
