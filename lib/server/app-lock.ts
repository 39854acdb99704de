/**
 * While it runs, the server holds a lock beside its database (`<database>.lock`, proper-lockfile:
 * a directory whose modification time the holder refreshes every few seconds). A restore takes the
 * same lock, so it refuses to replace the database under a running app. A server that crashed stops
 * refreshing its lock, which is then stale after APP_LOCK_STALE_MS and no longer blocks anyone.
 */
import lockfile from 'proper-lockfile';

export const APP_LOCK_STALE_MS = 30_000;
const OPTIONS = { stale: APP_LOCK_STALE_MS, realpath: false } as const;

export function appLockFile(databaseFile: string): string {
  return `${databaseFile}.lock`;
}

/** True while a live process (the app, or a restore) holds the database's lock. */
export function appIsRunning(databaseFile: string): boolean {
  return lockfile.checkSync(databaseFile, OPTIONS);
}

/**
 * Takes the database's lock and keeps it fresh until released; throws when another live process
 * holds it. A lost lock (its refreshes failing) is logged rather than stopping the server.
 */
export function holdAppLock(databaseFile: string): () => void {
  return lockfile.lockSync(databaseFile, {
    ...OPTIONS,
    onCompromised: (error) => console.error(`The lock on ${databaseFile} was lost: ${error.message}`),
  });
}
