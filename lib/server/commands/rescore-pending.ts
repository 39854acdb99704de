/**
 * Current scores of accounts that events touched, refreshed just after the events commit instead
 * of inside their transaction. The event transaction records the accounts (`markRescorePending`),
 * so a crash between the commit and the rescore loses nothing; `rescorePendingChunk` works the
 * list off a chunk at a time. An account touched by many batches before its turn is rescored once.
 *
 * A chunk goes in three steps, so that neither readers nor event batches wait for its scoring:
 * 1. it claims the oldest accounts in a transaction of one statement: a lease (`claimed_until`),
 *    so that other workers (PostgreSQL, or another process on the same SQLite file) take others,
 *    and a killed worker's accounts are taken again when the lease runs out;
 * 2. it loads and scores them outside any transaction (`rescore`);
 * 3. it writes the scores in a short transaction, and takes off the list only the accounts whose
 *    entry is as it claimed it: every write that lists an account again gives its entry a new
 *    `seq`, so an account whose events changed after the claim stays listed (and is rescored
 *    again with them) while the figures read before them are stored meanwhile.
 */
import { randomInt } from 'node:crypto';
import type { Store } from '@/lib/server/store';
import { logger } from '../log';
import { insertInto } from './row-writer';
import { rescore } from './scores';

/** Accounts rescored per chunk: short enough that readers and new batches interleave. */
export const RESCORE_CHUNK = 100;
/** How long a claim holds: a worker killed while rescoring leaves its accounts to others after it. */
export const RESCORE_LEASE_MS = 30_000;

/** Records accounts whose score is stale; call it in the transaction that wrote their events. */
export async function markRescorePending(db: Store, accountPks: Iterable<number>, now = Date.now()): Promise<void> {
  // One new seq per write: a rescore that claimed the entry before it sees that it changed.
  const seq = randomInt(1, 2 ** 48);
  // An account already waiting keeps its place in the line; a claim on it ends (the worker that
  // holds it read older figures: it leaves the entry, and any worker may take it again). In pk
  // order, whatever order the caller has them in: two transactions listing the same accounts
  // (PostgreSQL) then take their entries' locks in the same order, and never wait for each other
  // in a circle.
  await insertInto(
    db,
    'rescore_pending',
    ['account_pk', 'queued_at', 'seq'],
    [...new Set(accountPks)].sort((a, b) => a - b).map((pk) => [pk, now, seq]),
    'ON CONFLICT (account_pk) DO UPDATE SET seq = excluded.seq, claimed_until = NULL',
  );
}

export async function pendingRescores(db: Store): Promise<number> {
  return (await db.value<number>('SELECT count(*) FROM rescore_pending')) ?? 0;
}

export interface DrainOptions {
  /** accounts per chunk (default RESCORE_CHUNK) */
  limit?: number;
  now?: number;
  /** only accounts listed at or before this instant, so that a drain beside a busy server ends */
  queuedUpTo?: number;
}

interface Claimed { account_pk: number; queued_at: number; seq: number }

/**
 * A chunk claimed ahead: the transaction that stores one chunk's scores also claims the next, so
 * that a worker working a list off takes the write lock (SQLite) or makes a transaction
 * (PostgreSQL) once per chunk instead of twice. `at`: when it was claimed.
 */
export interface ClaimAhead { entries: Claimed[]; at: number }

/**
 * Claims the oldest `limit` waiting accounts nobody else holds, oldest first (a committed lease).
 * PostgreSQL: entries another transaction holds (a batch still writing, another claim) are skipped.
 */
async function claim(db: Store, options: DrainOptions, now: number): Promise<Claimed[]> {
  const skipLocked = db.engine === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const rows = await db.tx((tx) =>
    tx.all<Claimed>(
      'UPDATE rescore_pending SET claimed_until = ? WHERE account_pk IN (SELECT account_pk FROM rescore_pending ' +
        `WHERE queued_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY queued_at, account_pk LIMIT ?${skipLocked}) ` +
        'RETURNING account_pk, queued_at, seq',
      [now + RESCORE_LEASE_MS, options.queuedUpTo ?? Number.MAX_SAFE_INTEGER, now, options.limit ?? RESCORE_CHUNK],
    ),
  );
  return rows.sort((a, b) => a.queued_at - b.queued_at || a.account_pk - b.account_pk);
}

/**
 * The entries of these accounts, as a subquery that on PostgreSQL skips those another transaction
 * holds (a batch listing the account again): the rescore never waits for a batch.
 */
function entriesOf(db: Store): string {
  return `account_pk IN (SELECT account_pk FROM rescore_pending WHERE ${db.dialect.inJsonArray('account_pk', 'int')}${db.engine === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''})`;
}

/**
 * Gives claimed accounts back to the list (their rescore failed, was not stored, or their entry
 * changed since the claim). `stored`: the accounts whose score was just stored from figures read
 * after `asOf` now wait only for what came since: their place in the line moves to it. An entry a
 * batch holds is left alone: the batch's own listing clears the claim.
 */
async function release(db: Store, pks: readonly number[], stored: { pks: readonly number[]; asOf: number } = { pks: [], asOf: 0 }): Promise<void> {
  if (!pks.length) return;
  const moved = stored.pks.length ? `, queued_at = CASE WHEN ${db.dialect.inJsonArray('account_pk', 'int')} THEN ${db.dialect.greatest('queued_at', '?')} ELSE queued_at END` : '';
  await db.run(
    `UPDATE rescore_pending SET claimed_until = NULL${moved} WHERE ${entriesOf(db)}`,
    [...(moved ? [JSON.stringify(stored.pks), stored.asOf] : []), JSON.stringify(pks)],
  );
}

/**
 * Takes the entries of the accounts just stored off the list, those still as they were read
 * before their figures were (`entries`): one listed again since waits for the rescore of what
 * came after.
 */
async function takeOff(tx: Store, written: readonly number[], entries: readonly { seq: number }[]): Promise<void> {
  if (!written.length || !entries.length) return;
  // Each write draws its own random seq: the seqs alone name the entries as they were read.
  await tx.run(`DELETE FROM rescore_pending WHERE ${entriesOf(tx)} AND ${tx.dialect.inJsonArray('seq', 'int')}`, [
    JSON.stringify(written),
    JSON.stringify(entries.map((e) => e.seq)),
  ]);
}

/**
 * Rescores these accounts at once (a change made in the app, whose page shows the score next)
 * and takes them off the list, so that the background rescore does not score them again from
 * the same figures. An account listed again after its entry was read here stays listed.
 */
export async function rescoreListedNow(db: Store, accountPks: number[], now = Date.now()): Promise<void> {
  const entries = await db.all<{ account_pk: number; seq: number }>(
    `SELECT account_pk, seq FROM rescore_pending WHERE ${db.dialect.inJsonArray('account_pk', 'int')}`,
    [JSON.stringify(accountPks)],
  );
  await rescore(db, {
    accountPks,
    now,
    settle: async (tx, { written, skipped }) => {
      // As `rescore` does by default: an account another writer stored meanwhile is listed again.
      await markRescorePending(tx, skipped, now);
      await takeOff(tx, written, entries);
    },
  });
}

/**
 * `rescorePendingChunk`, telling `claimed` which accounts it took before it rescored them.
 * `ahead`: the chunk to rescore, already claimed (else it claims one). `claimNext`: the
 * transaction that stores the scores also claims the next chunk, answered as `next`.
 */
async function rescoreChunk(db: Store, options: DrainOptions, claimed: number[], ahead?: ClaimAhead | null, claimNext = false): Promise<{ count: number; next: ClaimAhead | null }> {
  const claimedAt = ahead?.at ?? Date.now();
  const entries = ahead?.entries ?? (await claim(db, options, claimedAt));
  if (!entries.length) return { count: 0, next: null };
  const pks = entries.map((e) => e.account_pk);
  claimed.push(...pks);
  let next: ClaimAhead | null = null;
  try {
    await rescore(db, {
      accountPks: pks,
      now: options.now,
      // One write for the chunk: the claim already bounds it.
      writeChunk: pks.length,
      // In the transaction that stores the scores: the stored accounts whose entry is still as
      // claimed leave the list; the others (listed again since, or not stored) are given back.
      settle: async (tx, { written, skipped }) => {
        await takeOff(tx, written, entries);
        await release(tx, [...written, ...skipped], { pks: written, asOf: claimedAt });
        if (claimNext) {
          // Taken off this chunk's entries first: an account listed again since its claim can be in the next.
          const at = Date.now();
          next = { entries: await claim(tx, options, at), at };
        }
      },
    });
  } catch (error) {
    await release(db, pks).catch(() => undefined);
    throw error;
  }
  return { count: pks.length, next };
}

/**
 * Rescores the oldest `limit` waiting accounts and takes them off the list; returns how many were
 * claimed (0: nothing was waiting).
 */
export async function rescorePendingChunk(db: Store, options: DrainOptions = {}): Promise<number> {
  return (await rescoreChunk(db, options, [])).count;
}

/**
 * For a worker working the list off: rescores the chunk claimed `ahead` (none: it claims the
 * oldest waiting accounts) and, in the transaction that stores their scores, claims the next
 * chunk. Answers how many accounts it rescored (0: nothing was waiting) and the chunk claimed
 * next, to hand to the following call. A failure gives the chunk in hand back to the list; a
 * chunk claimed ahead and never rescored (the worker stopped) is given back by `releaseClaim`, or
 * taken by any worker once its lease runs out.
 */
export async function rescorePendingAhead(db: Store, options: DrainOptions, ahead: ClaimAhead | null): Promise<{ count: number; next: ClaimAhead | null }> {
  return rescoreChunk(db, options, [], ahead, true);
}

/**
 * Ends every claim on the list; answers how many there were. For a drainer starting on SQLite,
 * where one drainer works the list at a time (the web process, or `npm run worker` beside web
 * processes started with TRELLIS_WORKER=off): the claims it finds are those of one that was
 * killed, whose accounts would otherwise wait for the lease to run out. Were another drainer
 * alive after all, both might rescore the same accounts: each stores only scores newer than the
 * stored ones, so none is wrong. PostgreSQL's workers, any number on any machine, keep the lease.
 */
export async function releaseAllClaims(db: Store): Promise<number> {
  return (await db.run('UPDATE rescore_pending SET claimed_until = NULL WHERE claimed_until IS NOT NULL')).changes;
}

/** Gives the accounts of a chunk claimed ahead back to the list, for any worker to take at once. */
export async function releaseClaim(db: Store, ahead: ClaimAhead): Promise<void> {
  await release(db, ahead.entries.map((e) => e.account_pk));
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
      if (!(await rescoreChunk(db, { ...options, limit: 1 }, claimed)).count) break;
    } catch (error) {
      if (databaseFailed(error)) throw error;
      const pk = claimed[0];
      if (pk === undefined) throw error;
      await db.run('DELETE FROM rescore_pending WHERE account_pk = ?', [pk]);
      logger.error({ err: error, account: pk }, `Rescoring account ${pk} after new events failed; it keeps its previous score`);
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
