/**
 * Current scores of accounts that events touched, refreshed just after the events commit instead
 * of inside their transaction. The event transaction records the accounts (`markRescorePending`),
 * so a crash between the commit and the rescore loses nothing; `rescorePending` works the list
 * off in chunks, each chunk one short transaction that holds the write lock while it reads the
 * list, rescores and removes what it did, so no batch committed meanwhile can be missed. An
 * account touched by many batches before its turn is rescored once.
 */
import type { Db } from '@/db/open';
import { rescore } from './scores';

/** Accounts rescored per transaction: short enough that readers and new batches interleave. */
export const RESCORE_CHUNK = 100;

/** Records accounts whose score is stale; call it in the transaction that wrote their events. */
export function markRescorePending(db: Db, accountPks: Iterable<number>, now = Date.now()): void {
  // An account already waiting keeps its place in the line.
  const insert = db.$client.prepare('INSERT INTO rescore_pending (account_pk, queued_at) VALUES (?, ?) ON CONFLICT (account_pk) DO NOTHING');
  for (const pk of accountPks) insert.run(pk, now);
}

export function pendingRescores(db: Db): number {
  return db.$client.prepare('SELECT count(*) FROM rescore_pending').pluck().get() as number;
}

export interface DrainOptions {
  /** accounts per transaction (default RESCORE_CHUNK) */
  limit?: number;
  now?: number;
  /** only accounts listed at or before this instant, so that a drain beside a busy server ends */
  queuedUpTo?: number;
}

/**
 * Rescores the oldest `limit` waiting accounts in one transaction and removes them from the list;
 * returns how many were done (0: nothing was waiting).
 */
export function rescorePendingChunk(db: Db, options: DrainOptions = {}): number {
  const c = db.$client;
  // IMMEDIATE: the list is read under the write lock, so a batch cannot add to it between the
  // read and the delete, and the scores are computed from the aggregates as committed.
  return db.transaction(() => {
    const pks = c
      .prepare('SELECT account_pk FROM rescore_pending WHERE queued_at <= ? ORDER BY queued_at, account_pk LIMIT ?')
      .pluck()
      .all(options.queuedUpTo ?? Number.MAX_SAFE_INTEGER, options.limit ?? RESCORE_CHUNK) as number[];
    if (!pks.length) return 0;
    rescore(db, { accountPks: pks, now: options.now });
    c.prepare('DELETE FROM rescore_pending WHERE account_pk IN (SELECT value FROM json_each(?))').run(JSON.stringify(pks));
    return pks.length;
  }, { behavior: 'immediate' });
}

/**
 * After a chunk failed: rescores its accounts one at a time (up to `limit`). An account whose own
 * rescore fails for a reason other than a busy database is taken off the list and reported, so
 * that one account the engine cannot score does not hold up every account behind it; it keeps its
 * previous score until its next event or the daily refresh. Returns the accounts taken off.
 */
export function rescorePendingOneByOne(db: Db, options: DrainOptions = {}): number[] {
  const first = db.$client.prepare('SELECT account_pk FROM rescore_pending WHERE queued_at <= ? ORDER BY queued_at, account_pk LIMIT 1').pluck();
  const dropped: number[] = [];
  for (let i = 0; i < (options.limit ?? RESCORE_CHUNK); i++) {
    try {
      if (!rescorePendingChunk(db, { ...options, limit: 1 })) break;
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw error;
      const pk = first.get(options.queuedUpTo ?? Number.MAX_SAFE_INTEGER) as number | undefined;
      if (pk === undefined) throw error;
      db.$client.prepare('DELETE FROM rescore_pending WHERE account_pk = ?').run(pk);
      console.error(`Rescoring account ${pk} after new events failed; it keeps its previous score`, error);
      dropped.push(pk);
    }
  }
  return dropped;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Works the list off, chunk by chunk (each its own transaction). For callers without a
 * background drainer (command-line tools, tests) that need fresh scores before they go on.
 * `shareLock`: after each chunk, wait as long as it held the write lock, so that a server writing
 * to the same file beside this process gets the lock at least half of the time (SQLite's lock is
 * not fair: a writer that takes it again at once starves those sleeping in their busy handler).
 */
export function rescorePending(db: Db, options: DrainOptions & { shareLock?: boolean } = {}): number {
  let total = 0;
  for (;;) {
    const started = performance.now();
    const done = rescorePendingChunk(db, options);
    if (!done) return total;
    total += done;
    if (options.shareLock) Atomics.wait(pause, 0, 0, Math.max(5, performance.now() - started));
  }
}

/**
 * For a command-line tool that may run beside a server: waits while someone else (the server's
 * drainer) works off the accounts listed up to `queuedUpTo`, and rescores what is left itself once
 * nobody has made progress for `patienceMs` (no server running). Either way nothing listed by then
 * is left waiting when this returns, and a running server is not fought for the write lock.
 */
export function settlePending(db: Db, options: { queuedUpTo: number; patienceMs?: number }): void {
  const count = db.$client.prepare('SELECT count(*) FROM rescore_pending WHERE queued_at <= ?').pluck();
  let left = count.get(options.queuedUpTo) as number;
  let progressAt = Date.now();
  while (left > 0) {
    Atomics.wait(pause, 0, 0, 100);
    const now = count.get(options.queuedUpTo) as number;
    if (now < left) {
      left = now;
      progressAt = Date.now();
    } else if (Date.now() - progressAt > (options.patienceMs ?? 1_000)) {
      rescorePending(db, { queuedUpTo: options.queuedUpTo, limit: 25, shareLock: true });
      return;
    }
  }
}
