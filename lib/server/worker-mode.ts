import { isSqliteBusy, PostgresStore, SqliteStore, type Store } from '@/lib/server/store';

/** Whether this process does the background work (web processes skip it with TRELLIS_WORKER=off). */
export function backgroundWorkHere(env: Record<string, string | undefined> = process.env): boolean {
  return (env.TRELLIS_WORKER ?? '').trim().toLowerCase() !== 'off';
}

/** False once the store is closed (a shutdown, or a test finished): background loops then stop. */
export function storeIsOpen(db: Store): boolean {
  if (db instanceof SqliteStore) return db.client.open;
  if (db instanceof PostgresStore) return !db.pool.ending;
  return true;
}

/**
 * Whether an error says the database was busy with someone else's work, so that trying again a
 * little later is the answer: SQLite's write lock held past the busy timeout, or on PostgreSQL a
 * deadlock, a serialization failure or a lock not available (a transaction that lost to another).
 */
export function isBusyError(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code);
  return isSqliteBusy(error) || code === '40P01' || code === '40001' || code === '55P03';
}

/** Attempts of a transaction that lost to another writer (see `retryWhenBusy`). */
const BUSY_ATTEMPTS = 3;

/**
 * Runs `write` (a whole transaction) again when it lost to another writer (`isBusyError`):
 * nothing of the failed attempt was committed, so it is written again after a short random wait,
 * up to three attempts in all.
 */
export async function retryWhenBusy<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= BUSY_ATTEMPTS || !isBusyError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
