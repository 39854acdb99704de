/**
 * Runs once when the server starts: refuse to run without secrets, hold the database's lock (a
 * restore refuses while it is held), migrate, resume the CSV imports a stopped server left
 * running, start background jobs.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  if (process.env.NODE_ENV === 'production' && !process.env.NEXTAUTH_SECRET) {
    console.error('NEXTAUTH_SECRET is not set. Trellis refuses to start in production without it: set it to a long random string (e.g. `openssl rand -base64 32`).');
    process.exit(1);
  }
  const { databaseFile } = await import('./db/open');
  const { takeAppLockWhenFree } = await import('./lib/server/app-lock');
  takeAppLockWhenFree(databaseFile()).catch((error: unknown) => console.error('Could not take the lock on the database', error));
  const { getDb } = await import('./db/client');
  const { backgroundWorkHere, startWorker } = await import('./lib/server/worker');
  const db = getDb();
  // TRELLIS_WORKER=off: pages and the API only; `npm run worker` does the background work.
  if (backgroundWorkHere()) {
    const { resumeImports } = await import('./lib/server/imports/csv-import');
    resumeImports(db);
    startWorker(db);
  }
}
