/**
 * "Suggest a model" through a running server, as the model editor asks for it: signs in as an
 * admin, posts the editor's default periods to `/api/app/model/suggest`, reads its progress lines
 * as they come and times the accounts list (one request every 100 ms) beside it, to show how long
 * the suggestion takes and how the server answers others meanwhile.
 *
 *   DATABASE_URL=file:/tmp/bench/trellis.db npx tsx scripts/bench-suggest.ts [--port 3977]
 *
 * Use a portfolio with outcomes (e.g. `npx tsx scripts/seed.ts --accounts 10000 --months 12`).
 */
import { parseArgs } from 'node:util';
import { upsertUser } from '@/lib/server/commands/users';
import { suggestDefaults } from '@/lib/server/queries/suggested-model';
import { signInCookie } from './bench-support';
import { run, UsageError, withMigratedStore } from './cli';
import { buildIfNeeded, serverDatabase, startServer, waitForHealth } from './serve';

const EMAIL = 'bench-admin@example.com';
const PASSWORD = 'bench-password-not-secret';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

run(async () => {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '3977' } } });
  const port = Number(values.port);
  const defaults = await withMigratedStore(async (db) => {
    await upsertUser(db, { email: EMAIL, role: 'admin', password: PASSWORD }, { actor: 'bench' });
    return suggestDefaults(db);
  });
  if (!defaults) throw new UsageError('The portfolio has too short a history to suggest a model');
  console.log(`periods: ${JSON.stringify(defaults)}`);
  buildIfNeeded();
  const database = serverDatabase();
  const server = startServer({ port, databaseFile: database.databaseFile, env: { ...database.env, NEXTAUTH_SECRET: 'bench-secret' } });
  try {
    const base = `http://localhost:${port}`;
    await waitForHealth(base);
    const cookie = await signInCookie(base, EMAIL, PASSWORD);
    let stop = false;
    const reads: number[] = [];
    const reader = (async () => {
      while (!stop) {
        const t = performance.now();
        await (await fetch(`${base}/api/app/accounts?band=red&limit=20&owner=*`, { headers: { cookie } })).arrayBuffer();
        reads.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const started = performance.now();
    const response = await fetch(`${base}/api/app/model/suggest`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'churned', ...defaults }) });
    if (!response.ok || !response.body) throw new Error(`the suggestion answered ${response.status}: ${await response.text()}`);
    const lines = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    let count = 0;
    let last = '';
    let gap = 0;
    let at = started;
    for (;;) {
      const { value, done } = await lines.read();
      if (value) pending += value;
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        last = pending.slice(0, end);
        pending = pending.slice(end + 1);
        count++;
        const now = performance.now();
        gap = Math.max(gap, now - at);
        at = now;
        if (last.startsWith('{"progress"')) console.log(`  ${((now - started) / 1000).toFixed(1).padStart(5)} s  ${last}`);
      }
      if (done) break;
    }
    stop = true;
    await reader;
    reads.sort((a, b) => a - b);
    const outcome = last.startsWith('{"result"') ? 'a suggested model' : last.slice(0, 300);
    console.log(`answered ${outcome} after ${((performance.now() - started) / 1000).toFixed(1)} s: ${count} lines, at most ${(gap / 1000).toFixed(1)} s between two`);
    console.log(`accounts list meanwhile: ${reads.length} requests, median ${pct(reads, 50).toFixed(0)} ms, p95 ${pct(reads, 95).toFixed(0)} ms, max ${pct(reads, 100).toFixed(0)} ms`);
  } finally {
    server.kill('SIGTERM');
  }
});
