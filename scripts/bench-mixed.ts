/**
 * Mixed load on loopback: dashboards read by 20 clients, events arriving at 5,000 per second, and
 * a full rescore running in another process, for 60 seconds. Checks that nothing failed and no
 * acknowledged event was lost; prints throughput and latencies.
 *
 *   DATABASE_URL=file:/tmp/mixed/trellis.db npx tsx scripts/bench-mixed.ts [--seconds 60] [--rate 5000] [--readers 20]
 *
 * Use a scored portfolio (e.g. `npm run db:seed -- --accounts 2000 --months 12`); the run adds events to it.
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { databaseFile } from '@/db/open';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { upsertUser } from '@/lib/server/commands/users';
import { signInCookie } from './bench-support';
import { openMigratedDatabase, run } from './cli';
import { buildIfNeeded, startServer, waitForHealth } from './serve';

const EMAIL = 'bench-mixed@example.com';
const PASSWORD = 'bench-password-not-secret';
const TYPES = ['product.login', 'meeting.held', 'email.exchanged', 'support.interaction', 'outreach.sent', 'outreach.replied'];

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

run(async () => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, rate: { type: 'string', default: '5000' }, readers: { type: 'string', default: '20' }, port: { type: 'string', default: '3960' } } });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const port = Number(values.port);
  const db = openMigratedDatabase();
  await upsertUser(db, { email: EMAIL, role: 'manager', password: PASSWORD }, { actor: 'bench' });
  const key = createApiKey(db, { name: `mixed ${Date.now()}`, scope: 'ingest' }, { actor: 'bench' }).key;
  const accountIds = db.$client.prepare('SELECT id FROM accounts WHERE churned_at IS NULL').pluck().all() as string[];
  const before = db.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;
  db.$client.close();

  buildIfNeeded();
  const server = startServer({ port, databaseFile: databaseFile(), env: { NEXTAUTH_SECRET: 'bench-secret' } });
  const base = `http://localhost:${port}`;
  try {
    await waitForHealth(base);
    const cookie = await signInCookie(base, EMAIL, PASSWORD);
    const runTag = Date.now().toString(36);
    const batchSize = 500;
    const interval = (batchSize / rate) * 1000;
    const writeLatencies: number[] = [];
    let acknowledged = 0;
    let writeErrors = 0;
    let sent = 0;
    const deadline = Date.now() + seconds * 1000;

    // Writers: a batch of 500 every 100 ms (5,000 events/s), never more than 8 batches in flight.
    const writers = (async () => {
      let inFlight = 0;
      let n = 0;
      const pending: Promise<void>[] = [];
      while (Date.now() < deadline) {
        const tick = Date.now();
        if (inFlight < 8) {
          const events = Array.from({ length: batchSize }, (_, i) => {
            const k = n * batchSize + i;
            return { id: `mixed-${runTag}-${k}`, accountId: accountIds[k % accountIds.length], type: TYPES[k % TYPES.length], occurredAt: new Date(Date.now() - (k % 20) * 3_600_000).toISOString() };
          });
          n += 1;
          inFlight += 1;
          sent += batchSize;
          const started = performance.now();
          pending.push(
            fetch(`${base}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(events) })
              .then(async (res) => {
                writeLatencies.push(performance.now() - started);
                if (res.ok) acknowledged += ((await res.json()) as { accepted: number }).accepted;
                else writeErrors += 1;
              })
              .catch(() => void (writeErrors += 1))
              .finally(() => void (inFlight -= 1)),
          );
        }
        await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - tick))));
      }
      await Promise.all(pending);
    })();

    // A full rescore in another process, as `npm run rescore` would run beside the app.
    const rescoreStarted = performance.now();
    const rescoreDone = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rescore.ts', '--current-only'], { env: process.env, stdio: 'ignore' });
      child.on('exit', (code) => resolve({ code, ms: performance.now() - rescoreStarted }));
    });

    const reads = await autocannon({
      url: `${base}/api/app/accounts?band=red&sort=-arr&limit=100&owner=*`,
      connections: Number(values.readers),
      duration: seconds,
      headers: { cookie },
    });
    await writers;
    const rescoreResult = await rescoreDone;

    const check = openMigratedDatabase();
    const stored = check.$client.prepare('SELECT count(*) FROM events WHERE id LIKE ?').pluck().get(`mixed-${runTag}-%`) as number;
    const after = check.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;
    check.$client.close();
    writeLatencies.sort((a, b) => a - b);
    const p95Read = reads.latency.p90 + ((reads.latency.p97_5 - reads.latency.p90) * 5) / 7.5;
    console.log(`Mixed load for ${seconds} s on ${accountIds.length} active accounts:`);
    console.log(`  reads:   ${Math.round(reads.requests.average)} req/s, p50 ${reads.latency.p50} ms, ~p95 ${p95Read.toFixed(0)} ms, p99 ${reads.latency.p99} ms, errors ${reads.errors + reads.non2xx}`);
    console.log(`  writes:  ${Math.round(acknowledged / seconds)} events/s acknowledged (${sent} sent), batch p50 ${pct(writeLatencies, 50).toFixed(0)} ms, p95 ${pct(writeLatencies, 95).toFixed(0)} ms, errors ${writeErrors}`);
    console.log(`  rescore: exit ${rescoreResult.code} after ${(rescoreResult.ms / 1000).toFixed(1)} s`);
    console.log(`  events:  ${acknowledged} acknowledged, ${stored} stored (${after - before} new rows in all)`);
    const ok = reads.errors + reads.non2xx === 0 && writeErrors === 0 && stored === acknowledged && rescoreResult.code === 0;
    console.log(ok ? 'OK: no errors, no lost events.' : 'FAILED: see above.');
    if (!ok) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
  }
});
