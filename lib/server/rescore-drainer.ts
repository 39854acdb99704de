/**
 * The server's background step that keeps current scores fresh: after event batches commit, the
 * accounts they listed in `rescore_pending` are rescored here, one chunk (one short transaction)
 * at a time, yielding the event loop between chunks so page reads and new batches interleave.
 *
 * The work goes in passes: a pass rescores the accounts listed when it began, and the next pass
 * begins PASS_INTERVAL_MS after it at the earliest. An account touched by many batches meanwhile
 * is rescored once per pass, so under a heavy stream the rescoring costs at most a few rescores
 * per account per second, whatever the event rate; after a lone batch the pass begins at once.
 * Normally the list is empty again well within a second of the commit.
 */
import type { Db } from '@/db/open';
import { rescorePendingChunk, rescorePendingOneByOne } from './commands/rescore-pending';
import { backgroundWorkHere } from './worker-mode';

/** the earliest a pass begins after the one before it began */
const PASS_INTERVAL_MS = 250;
/**
 * A pass running longer than this is behind (page reads and batches keep the thread busy): it
 * then takes chunks for up to BEHIND_SLICE_MS per turn of the event loop instead of one, so that
 * scores stay within about a second at the cost of slower reads.
 */
const BEHIND_AFTER_MS = 400;
const BEHIND_SLICE_MS = 60;
/** after a failure (the database busy for longer than its timeout), try again this much later */
const RETRY_MS = 1_000;

/**
 * In a worker process of its own, a pause between chunks: web processes waiting for the write
 * lock (they probe for it every millisecond) take their turn, instead of finding it taken again
 * at once. In the web process itself chunks and requests already alternate on the one thread.
 */
const DEDICATED_PAUSE_MS = 2;

interface DrainerState {
  db: Db;
  /** a pass is running or about to begin */
  scheduled: boolean;
  passStartedAt: number;
}

// On globalThis: the route handlers and the scheduler may be bundled apart, each with its own
// copy of this module, and must still share one drainer (one loop per connection).
const holder = globalThis as unknown as { trellisRescoreDrainer?: DrainerState; trellisDedicatedWorker?: boolean };

/** Marks this process as a worker of its own (`npm run worker`): see DEDICATED_PAUSE_MS. */
export function drainAsDedicatedWorker(): void {
  holder.trellisDedicatedWorker = true;
}

function state(db: Db): DrainerState {
  if (!holder.trellisRescoreDrainer || holder.trellisRescoreDrainer.db !== db) holder.trellisRescoreDrainer = { db, scheduled: false, passStartedAt: 0 };
  return holder.trellisRescoreDrainer;
}

function schedulePass(s: DrainerState, delayMs: number): void {
  s.scheduled = true;
  const begin = () => {
    s.passStartedAt = Date.now();
    step(s, s.passStartedAt);
  };
  if (delayMs > 0) setTimeout(begin, delayMs).unref();
  else setImmediate(begin);
}

function step(s: DrainerState, passStart: number): void {
  // Closed (a shutdown, or a test finished): what is still listed waits in the file for the next start.
  if (!s.db.$client.open) {
    s.scheduled = false;
    return;
  }
  let done = 0;
  try {
    const started = Date.now();
    const dedicated = holder.trellisDedicatedWorker === true;
    const slice = !dedicated && started - passStart > BEHIND_AFTER_MS ? BEHIND_SLICE_MS : 0;
    let last: number;
    do {
      last = rescorePendingChunk(s.db, { queuedUpTo: passStart });
      done += last;
    } while (last > 0 && Date.now() - started < slice);
  } catch (error) {
    try {
      // One account the engine cannot score must not hold up the others: find it, set it aside.
      rescorePendingOneByOne(s.db, { queuedUpTo: passStart });
      setImmediate(() => step(s, passStart));
    } catch (again) {
      console.error('Rescoring accounts after new events failed; trying again shortly', again ?? error);
      schedulePass(s, RETRY_MS);
    }
    return;
  }
  if (done > 0) {
    // setImmediate, not a loop: requests waiting on the event loop get their turn between chunks.
    if (holder.trellisDedicatedWorker) setTimeout(() => step(s, passStart), DEDICATED_PAUSE_MS);
    else setImmediate(() => step(s, passStart));
    return;
  }
  s.scheduled = false;
  // Accounts listed during this pass wait for the next one.
  if (s.db.$client.prepare('SELECT 1 FROM rescore_pending LIMIT 1').pluck().get() !== undefined) rescoreSoon(s.db);
}

/**
 * Asks for the waiting accounts to be rescored soon: at once, or when the next pass is due. In a
 * web process without the background work (TRELLIS_WORKER=off) the worker process does it.
 */
export function rescoreSoon(db: Db): void {
  if (!backgroundWorkHere()) return;
  const s = state(db);
  if (s.scheduled) return;
  schedulePass(s, s.passStartedAt + PASS_INTERVAL_MS - Date.now());
}
