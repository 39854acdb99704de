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
import type { SqliteStore, Store } from '@/lib/server/store';
import { releaseClaim, rescorePendingAhead, rescorePendingOneByOne, type ClaimAhead } from './commands/rescore-pending';
import { logStep, logger } from './log';
import { announce } from './queue';
import { backgroundWorkHere, storeIsOpen } from './worker-mode';

/** the earliest a pass begins after the one before it began */
const PASS_INTERVAL_MS = 250;
/**
 * A pass running longer than this is behind (page reads and batches keep the thread busy): it
 * then takes chunks for up to BEHIND_SLICE_MS per turn of the event loop instead of one, so that
 * scores stay within about a second at the cost of slower reads.
 */
const BEHIND_AFTER_MS = 400;
const BEHIND_SLICE_MS = 60;
/** on PostgreSQL, how long after new events the stale daily history is rebuilt */
const HISTORY_DELAY_MS = 2_000;
/** after a failure (the database busy for longer than its timeout), try again this much later */
const RETRY_MS = 1_000;

/**
 * In a worker process of its own, a pause between chunks: web processes waiting for the write
 * lock (they probe for it every millisecond) take their turn, instead of finding it taken again
 * at once. In the web process itself chunks and requests already alternate on the one thread.
 */
const DEDICATED_PAUSE_MS = 2;
/**
 * Accounts per chunk in a worker process of its own: no page waits for its thread, and each chunk
 * takes the write lock (SQLite) or makes its round trips (PostgreSQL) once for all of them. Under
 * the mixed load of scripts/bench-mixed.ts on SQLite, 1,000 rather than 500 cut the time spent
 * waiting for the write lock from 14% to 9% of the worker's and rescored 7% more accounts per
 * second (a chunk holds the lock for its writes, about 25 µs per account in a profile).
 */
const DEDICATED_CHUNK = 1000;

interface DrainerState {
  db: Store;
  /** a pass is running or about to begin */
  scheduled: boolean;
  passStartedAt: number;
  /** what the pass under way has done so far (logged as one step when it ends) */
  pass: { clock: number; accounts: number; chunks: number; setAside: number; lock: LockUse | null };
  /** the pass's next chunk, claimed by the transaction that stored the chunk before */
  ahead: ClaimAhead | null;
}

// On globalThis: the route handlers and the scheduler may be bundled apart, each with its own
// copy of this module, and must still share one drainer (one loop per connection).
const holder = globalThis as unknown as { trellisRescoreDrainer?: DrainerState; trellisDedicatedWorker?: boolean };

/** Marks this process as a worker of its own (`npm run worker`): see DEDICATED_PAUSE_MS. */
export function drainAsDedicatedWorker(): void {
  holder.trellisDedicatedWorker = true;
}

function state(db: Store): DrainerState {
  if (!holder.trellisRescoreDrainer || holder.trellisRescoreDrainer.db !== db) holder.trellisRescoreDrainer = { db, scheduled: false, passStartedAt: 0, pass: newPass(db), ahead: null };
  return holder.trellisRescoreDrainer;
}

/** On SQLite, this process's use of the write lock so far (`SqliteStore.writeLock`), to log a pass's share. */
type LockUse = { waitSeconds: number; heldSeconds: number };
const lockUse = (db: Store): LockUse | null => (db.engine === 'sqlite' ? { ...(db as SqliteStore).writeLock } : null);

const newPass = (db: Store): DrainerState['pass'] => ({ clock: performance.now(), accounts: 0, chunks: 0, setAside: 0, lock: lockUse(db) });

function schedulePass(s: DrainerState, delayMs: number): void {
  s.scheduled = true;
  const begin = () => {
    s.passStartedAt = Date.now();
    s.pass = newPass(s.db);
    void step(s, s.passStartedAt);
  };
  if (delayMs > 0) setTimeout(begin, delayMs).unref();
  else setImmediate(begin);
}

/** One turn of a pass; never rejects (a failure is logged and the pass tried again later). */
async function step(s: DrainerState, passStart: number): Promise<void> {
  // Closed (a shutdown, or a test finished): what is still listed waits in the database for the next start.
  if (!storeIsOpen(s.db)) {
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
      // Taken out of the state first: a failure gives the chunk in hand back to the list.
      const ahead = s.ahead;
      s.ahead = null;
      const chunk = await rescorePendingAhead(s.db, { queuedUpTo: passStart, limit: dedicated ? DEDICATED_CHUNK : undefined }, ahead);
      s.ahead = chunk.next;
      last = chunk.count;
      done += last;
      if (last > 0) s.pass.chunks += 1;
    } while (last > 0 && Date.now() - started < slice);
  } catch (error) {
    try {
      // One account the engine cannot score must not hold up the others: find it, set it aside.
      s.pass.setAside += (await rescorePendingOneByOne(s.db, { queuedUpTo: passStart })).length;
      setImmediate(() => void step(s, passStart));
    } catch (again) {
      if (!storeIsOpen(s.db)) {
        s.scheduled = false;
        return;
      }
      logger.error({ err: again ?? error, job: 'rescore' }, 'Rescoring accounts after new events failed; trying again shortly');
      schedulePass(s, RETRY_MS);
    }
    return;
  }
  s.pass.accounts += done;
  if (done > 0) {
    // setImmediate, not a loop: requests waiting on the event loop get their turn between chunks.
    if (holder.trellisDedicatedWorker) setTimeout(() => void step(s, passStart), DEDICATED_PAUSE_MS);
    else setImmediate(() => void step(s, passStart));
    return;
  }
  s.scheduled = false;
  const { clock, lock, ...counts } = s.pass;
  if (counts.accounts > 0 || counts.setAside > 0) {
    // On SQLite, how long this process waited for the write lock (held by other processes) and held
    // it while the pass ran: the pass's chunks, and any other work of the process meanwhile.
    const now = lockUse(s.db);
    const share: Record<string, number> = lock && now ? { lockWaitMs: Math.round((now.waitSeconds - lock.waitSeconds) * 1000), lockHeldMs: Math.round((now.heldSeconds - lock.heldSeconds) * 1000) } : {};
    logStep('rescore', clock, { ...counts, ...share });
  }
  // Accounts listed during this pass wait for the next one.
  try {
    if ((await s.db.value('SELECT 1 FROM rescore_pending LIMIT 1')) !== undefined) rescoreSoon(s.db);
  } catch (error) {
    if (!storeIsOpen(s.db)) return;
    logger.error({ err: error, job: 'rescore' }, 'Looking for accounts waiting for a rescore failed; trying again shortly');
    if (!s.scheduled) schedulePass(s, RETRY_MS);
  }
}

/**
 * Gives back the chunk this process's drainer claimed ahead and has not rescored, so that another
 * worker (or this one, started again) takes it at once rather than when its lease runs out.
 */
export async function releaseDrainerClaim(db: Store): Promise<void> {
  const s = holder.trellisRescoreDrainer;
  if (!s || s.db !== db || !s.ahead) return;
  const ahead = s.ahead;
  s.ahead = null;
  await releaseClaim(db, ahead);
}

/**
 * Asks for the waiting accounts to be rescored soon: at once, or when the next pass is due. In a
 * web process without the background work (TRELLIS_WORKER=off) a worker process does it.
 */
export function rescoreSoon(db: Store): void {
  // On PostgreSQL the stale daily history is rebuilt by whichever worker the job queue wakes; a
  // burst of batches within the delay is one rebuild.
  announce(db, 'history', { delayMs: HISTORY_DELAY_MS });
  if (!backgroundWorkHere()) {
    // A worker process does it: on PostgreSQL woken through the job queue, on SQLite by watching the file.
    announce(db, 'rescore');
    return;
  }
  const s = state(db);
  if (s.scheduled) return;
  schedulePass(s, s.passStartedAt + PASS_INTERVAL_MS - Date.now());
}
