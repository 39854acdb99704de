/**
 * What `register` (instrumentation.ts) runs once when the Node.js server starts: observe every request (request id, log line, metrics), refuse
 * to run without secrets, hold the SQLite file's lock (a restore refuses while it is held), open
 * and migrate the database, resume the CSV imports a stopped server left running, start
 * background jobs.
 */
export async function registerNode() {
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { logger } = await import('@/lib/server/log');
  const { startHttpObserver } = await import('@/lib/server/http-observer');
  startHttpObserver();
  if (process.env.NODE_ENV === 'production' && !process.env.NEXTAUTH_SECRET) {
    logger.fatal('NEXTAUTH_SECRET is not set. Trellis refuses to start in production without it: set it to a long random string (e.g. `openssl rand -base64 32`).');
    process.exit(1);
  }
  const { isPostgresUrl } = await import('@/db/postgres');
  // The lock guards a SQLite file against a restore; PostgreSQL has no such file.
  if (!isPostgresUrl(process.env.DATABASE_URL)) {
    const { databaseFile } = await import('@/db/open');
    const { takeAppLockWhenFree } = await import('@/lib/server/app-lock');
    takeAppLockWhenFree(databaseFile()).catch((error: unknown) => logger.error({ err: error }, 'Could not take the lock on the database'));
  }
  const { getStore } = await import('@/db/client');
  const { backgroundWorkHere, startWorker } = await import('@/lib/server/worker');
  const db = await getStore();
  // TRELLIS_WORKER=off: pages and the API only; `npm run worker` does the background work.
  if (backgroundWorkHere()) {
    const { resumeImports } = await import('@/lib/server/imports/csv-import');
    // The resumed imports finish in the background; each logs its own failure.
    try {
      await resumeImports(db);
    } catch (error) {
      logger.error({ err: error }, 'Could not resume the CSV imports');
    }
    try {
      await startWorker(db);
    } catch (error) {
      logger.error({ err: error }, 'Could not start the background work');
    }
  }
}
