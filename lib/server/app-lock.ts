/**
 * While it runs, the server holds a lock beside its database (`<database>.lock`, proper-lockfile:
 * a directory whose modification time the holder refreshes every few seconds). A restore takes the
 * same lock, so it refuses to replace the database under a running app. A server that crashed stops
 * refreshing its lock, which is then stale after APP_LOCK_STALE_MS and no longer blocks anyone.
 */
import lockfile from 'proper-lockfile';
import { logger } from './log';

export const APP_LOCK_STALE_MS = 30_000;
const OPTIONS = { stale: APP_LOCK_STALE_MS, realpath: false } as const;

export function appLockFile(databaseFile: string): string {
  return `${databaseFile}.lock`;
}

/** True while a live process (the app, or a restore) holds the database's lock. */
export function appIsRunning(databaseFile: string): boolean {
  return lockfile.checkSync(databaseFile, OPTIONS);
}

const onCompromised = (databaseFile: string) => (error: Error) => logger.error({ err: error, file: databaseFile }, `The lock on ${databaseFile} was lost: ${error.message}`);

/**
 * Takes the database's lock and keeps it fresh until released; throws (code ELOCKED) when another
 * live process holds it. A lost lock (its refreshes failing) is logged rather than stopping the server.
 */
export function holdAppLock(databaseFile: string): () => void {
  return lockfile.lockSync(databaseFile, { ...OPTIONS, onCompromised: onCompromised(databaseFile) });
}

/**
 * The server's lock: taken at once when free; otherwise (the lock of a server that was just
 * killed and is not yet stale, or a restore under way) taken as soon as it is free or stale,
 * retrying every 2 s. Resolves once held.
 */
export async function takeAppLockWhenFree(databaseFile: string): Promise<() => Promise<void>> {
  try {
    const release = holdAppLock(databaseFile);
    return async () => release();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
  }
  logger.warn(`${appLockFile(databaseFile)} is held (by a server that stopped less than ${APP_LOCK_STALE_MS / 1000} s ago, or a restore under way): taking it once it is free`);
  return lockfile.lock(databaseFile, { ...OPTIONS, onCompromised: onCompromised(databaseFile), retries: { forever: true, factor: 1, minTimeout: 2_000, maxTimeout: 2_000 } });
}
