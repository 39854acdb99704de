/**
 * Runs once when the server starts. Everything it does needs Node.js (the database, the lock
 * file, the background work), so it lives in lib/server/node-start.ts, loaded only there: the
 * Edge build of this file then holds nothing Node-only.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('@/lib/server/node-start')).registerNode();
}
