/** Runs once when the server starts: migrations first, then the background scheduler. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.NEXT_PHASE !== 'phase-production-build') {
    const { getDb } = await import('./db/client');
    const { startScheduler } = await import('./lib/server/jobs/scheduler');
    startScheduler(getDb());
  }
}
