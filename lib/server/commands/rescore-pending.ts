/**
 * Current scores of accounts that events touched, refreshed just after the events commit instead
 * of inside their transaction. The event transaction records the accounts (`markRescorePending`),
 * so a crash between the commit and the rescore loses nothing; `rescorePending` works the list
 * off in chunks, each chunk one short transaction that takes its accounts off the list, rescores
 * them and commits, so that no batch committed meanwhile can be missed. An account touched by
 * many batches before its turn is rescored once.
 *
 * Several processes may work the list at once (PostgreSQL): a chunk takes its accounts with one
 * statement that skips those another transaction holds, so each account is taken by one of them;
 * a batch that lists an account locks its entry until it commits, so the account is not taken
 * (and rescored without that batch's events) meanwhile. On SQLite the chunk's transaction holds
 * the write lock throughout.
 */
import type { Store } from '@/lib/server/store';
import { rescore } from './scores';

/** Accounts rescored per transaction: short enough that readers and new batches interleave. */
export const RESCORE_CHUNK = 100;

/** Records accounts whose score is stale; call it in the transaction that wrote their events. */
export async function markRescorePending(db: Store, accountPks: Iterable<number>, now = Date.now()): Promise<void> {
  const pks = [...new Set(accountPks)];
  for (let i = 0; i < pks.length; i += 500) {
    const part = pks.slice(i, i + 500);
    // An account already waiting keeps its place in the line; its entry is updated to itself all
    // the same, which locks it until this transaction commits (see the module's comment).
    await db.run(
      `INSERT INTO rescore_pending (account_pk, queued_at) VALUES ${part.map(() => '(?, ?)').join(', ')} ` +
        'ON CONFLICT (account_pk) DO UPDATE SET queued_at = rescore_pending.queued_at',
      part.flatMap((pk) => [pk, now]),
    );
  }
}

export async function pendingRescores(db: Store): Promise<number> {
  return (await db.value<number>('SELECT count(*) FROM rescore_pending')) ?? 0;
}

export interface DrainOptions {
  /** accounts per transaction (default RESCORE_CHUNK) */
  limit?: number;
  now?: number;
  /** only accounts listed at or before this instant, so that a drain beside a busy server ends */
  queuedUpTo?: number;
}

/**
 * Takes the oldest `limit` waiting accounts off the list (in the caller's transaction), oldest
 * first. PostgreSQL: entries another transaction holds (another drain's, or a batch's still
 * writing) are skipped.
 */
async function claim(db: Store, options: DrainOptions): Promise<number[]> {
  const skipLocked = db.engine === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const rows = await db.all<{ account_pk: number; queued_at: number }>(
    `DELETE FROM rescore_pending WHERE account_pk IN (SELECT account_pk FROM rescore_pending WHERE queued_at <= ? ORDER BY queued_at, account_pk LIMIT ?${skipLocked}) ` +
      'RETURNING account_pk, queued_at',
    [options.queuedUpTo ?? Number.MAX_SAFE_INTEGER, options.limit ?? RESCORE_CHUNK],
  );
  return rows.sort((a, b) => a.queued_at - b.queued_at || a.account_pk - b.account_pk).map((r) => r.account_pk);
}

/** `rescorePendingChunk`, telling `claimed` which accounts it took before it rescored them. */
async function rescoreChunk(db: Store, options: DrainOptions, claimed: number[]): Promise<number> {
  // On SQLite the transaction takes the write lock at once: the list is read under it, and the
  // scores are computed from the aggregates as committed.
  return db.tx(async (tx) => {
    const pks = await claim(tx, options);
    claimed.push(...pks);
    if (!pks.length) return 0;
    await rescore(tx, { accountPks: pks, now: options.now });
    return pks.length;
  });
}

/**
 * Rescores the oldest `limit` waiting accounts in one transaction and removes them from the list;
 * returns how many were done (0: nothing was waiting).
 */
export async function rescorePendingChunk(db: Store, options: DrainOptions = {}): Promise<number> {
  return rescoreChunk(db, options, []);
}

/** A failure of the database (busy, a lock wait given up, a lost connection), not of one account's rescore. */
function databaseFailed(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return code.startsWith('SQLITE_BUSY') || /^(40001|40P01|55P03|57014|57P0\d|08...)$/.test(code) || code.startsWith('ECONN') || code === 'ETIMEDOUT';
}

/**
 * After a chunk failed: rescores its accounts one at a time (up to `limit`). An account whose own
 * rescore fails for a reason other than the database (busy, unreachable) is taken off the list and
 * reported, so that one account the engine cannot score does not hold up every account behind it;
 * it keeps its previous score until its next event or the daily refresh. Returns the accounts
 * taken off.
 */
export async function rescorePendingOneByOne(db: Store, options: DrainOptions = {}): Promise<number[]> {
  const dropped: number[] = [];
  for (let i = 0; i < (options.limit ?? RESCORE_CHUNK); i++) {
    const claimed: number[] = [];
    try {
      if (!(await rescoreChunk(db, { ...options, limit: 1 }, claimed))) break;
    } catch (error) {
      if (databaseFailed(error)) throw error;
      const pk = claimed[0];
      if (pk === undefined) throw error;
      await db.run('DELETE FROM rescore_pending WHERE account_pk = ?', [pk]);
      console.error(`Rescoring account ${pk} after new events failed; it keeps its previous score`, error);
      dropped.push(pk);
    }
  }
  return dropped;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Works the list off, chunk by chunk (each its own transaction). For callers without a
 * background drainer (command-line tools, tests) that need fresh scores before they go on.
 * `shareLock` (SQLite): after each chunk, wait as long as it held the write lock, so that a server
 * writing to the same file beside this process gets the lock at least half of the time (SQLite's
 * lock is not fair: a writer that takes it again at once starves those sleeping in their busy
 * handler). PostgreSQL locks rows, not the database: there is nothing to share.
 */
export async function rescorePending(db: Store, options: DrainOptions & { shareLock?: boolean } = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const started = performance.now();
    const done = await rescorePendingChunk(db, options);
    if (!done) return total;
    total += done;
    if (options.shareLock && db.engine === 'sqlite') await sleep(Math.max(5, performance.now() - started));
  }
}

/**
 * For a command-line tool that may run beside a server: waits while someone else (the server's
 * drainer) works off the accounts listed up to `queuedUpTo`, and rescores what is left itself once
 * nobody has made progress for `patienceMs` (no server running). Either way nothing listed by then
 * is left waiting when this returns, and a running server is not fought for the write lock.
 */
export async function settlePending(db: Store, options: { queuedUpTo: number; patienceMs?: number }): Promise<void> {
  const count = async () => (await db.value<number>('SELECT count(*) FROM rescore_pending WHERE queued_at <= ?', [options.queuedUpTo])) ?? 0;
  let left = await count();
  let progressAt = Date.now();
  while (left > 0) {
    await sleep(100);
    const now = await count();
    if (now < left) {
      left = now;
      progressAt = Date.now();
    } else if (Date.now() - progressAt > (options.patienceMs ?? 1_000)) {
      await rescorePending(db, { queuedUpTo: options.queuedUpTo, limit: 25, shareLock: true });
      return;
    }
  }
}
