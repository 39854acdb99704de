/**
 * npm run worker: the background work (rescoring after new events, the daily refresh, history
 * rebuilds, webhook deliveries) as its own process, beside web processes started with
 * `TRELLIS_WORKER=off`, on SQLite or PostgreSQL. Stops on SIGINT or SIGTERM; what is left waits in
 * the database for the next start.
 */
import { isPostgresUrl } from '@/db/postgres';
import { logger } from '@/lib/server/log';
import { SqliteStore } from '@/lib/server/store';
import { openMigratedStore, run } from './cli';

run(async () => {
  // This process is the worker, whatever the environment says of web processes.
  process.env.TRELLIS_WORKER = 'on';
  const { startWorker } = await import('@/lib/server/worker');
  if (!isPostgresUrl(process.env.DATABASE_URL)) {
    const { databaseFile } = await import('@/db/open');
    const { takeAppLockWhenFree } = await import('@/lib/server/app-lock');
    // Like a web process, it holds the SQLite file's lock while it runs (a restore refuses meanwhile).
    takeAppLockWhenFree(databaseFile()).catch((error: unknown) => logger.error({ err: error }, 'Could not take the lock on the database'));
  }
  const db = await openMigratedStore();
  const { resumeImports } = await import('@/lib/server/imports/csv-import');
  await resumeImports(db);
  // The scheduler's waits are short: the web processes hold the write lock for short transactions.
  if (db instanceof SqliteStore) {
    db.client.pragma('busy_timeout = 5000');
    db.checkpointInThread();
  }
  const stop = await startWorker(db, { dedicated: true });
  logger.info(`Trellis worker started (pid ${process.pid}); stop it with Ctrl-C.`);
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    // Keeps the process alive: the background timers do not.
    setInterval(() => undefined, 1 << 30);
  });
  // A job that did not finish in time was handed back to the queue and still runs here: the
  // process exits with the pool open rather than close it under the job (see startWorker).
  if (await stop()) await db.close();
  process.exit(0);
});
