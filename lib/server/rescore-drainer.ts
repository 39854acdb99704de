/**
 * The server's background step that keeps current scores fresh: after event batches commit, the
 * accounts they listed in `rescore_pending` are rescored here, one chunk (one short transaction)
 * at a time, yielding the event loop between chunks so page reads and new batches interleave.
 * Accounts touched by several batches before their turn are rescored once. Normally the list is
 * empty again well within a second of the commit.
 */
import 'server-only';
import type { Db } from '@/db/open';
import { rescorePendingChunk } from './commands/rescore-pending';

/** after a failure (the database busy for longer than its timeout), try again this much later */
const RETRY_MS = 1_000;

interface DrainerState {
  db: Db;
  scheduled: boolean;
}

// On globalThis: the route handlers and the scheduler may be bundled apart, each with its own
// copy of this module, and must still share one drainer (one loop per connection).
const holder = globalThis as unknown as { trellisRescoreDrainer?: DrainerState };

function state(db: Db): DrainerState {
  if (!holder.trellisRescoreDrainer || holder.trellisRescoreDrainer.db !== db) holder.trellisRescoreDrainer = { db, scheduled: false };
  return holder.trellisRescoreDrainer;
}

function step(s: DrainerState): void {
  s.scheduled = false;
  // Closed (a shutdown, or a test finished): what is still listed waits in the file for the next start.
  if (!s.db.$client.open) return;
  let done: number;
  try {
    done = rescorePendingChunk(s.db);
  } catch (error) {
    console.error('Rescoring accounts after new events failed; trying again shortly', error);
    s.scheduled = true;
    setTimeout(() => step(s), RETRY_MS).unref();
    return;
  }
  if (done > 0) {
    s.scheduled = true;
    // setImmediate, not a loop: requests waiting on the event loop get their turn between chunks.
    setImmediate(() => step(s));
  }
}

/** Asks for the waiting accounts to be rescored soon (after the current work of the event loop). */
export function rescoreSoon(db: Db): void {
  const s = state(db);
  if (s.scheduled) return;
  s.scheduled = true;
  setImmediate(() => step(s));
}

/** True while the drainer has work scheduled (tests and diagnostics). */
export function rescoreScheduled(db: Db): boolean {
  return state(db).scheduled;
}
