/**
 * Mixed load on loopback: dashboards read by 20 clients, events arriving at 5,000 per second, and
 * a full rescore running in another process, for 60 seconds. Checks that nothing failed and that
 * every acknowledged event is stored exactly once; prints throughput, latencies, how long touched
 * accounts waited for their rescore, CPU time and the load of the machine.
 *
 *   DATABASE_URL=file:/tmp/mixed/trellis.db npx tsx scripts/bench-mixed.ts [--seconds 60] [--rate 5000] [--readers 20] [--in-flight 8] [--worker] [--profile DIR]
 *
 * --worker: the web process runs with TRELLIS_WORKER=off and `npm run worker` does the rescoring
 * in a process of its own (its CPU time is reported apart).
 *
 * Use a scored portfolio (e.g. `npm run db:seed -- --accounts 2000 --months 12`); the run adds events to it.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { databaseFile, openDatabase } from '@/db/open';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { upsertUser } from '@/lib/server/commands/users';
import { aggregatedEventCount } from '@/lib/server/queries/aggregate-reader';
import { cpuSeconds, signInCookie } from './bench-support';
import { openMigratedDatabase, run } from './cli';
import { buildIfNeeded, startServer, waitForHealth } from './serve';

const EMAIL = 'bench-mixed@example.com';
const PASSWORD = 'bench-password-not-secret';
const TYPES = ['product.login', 'meeting.held', 'email.exchanged', 'support.interaction', 'outreach.sent', 'outreach.replied'];
const BATCH = 500;

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

run(async () => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, rate: { type: 'string', default: '5000' }, readers: { type: 'string', default: '20' }, 'in-flight': { type: 'string', default: '8' }, port: { type: 'string', default: '3960' }, profile: { type: 'string' }, worker: { type: 'boolean', default: false } } });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const maxInFlight = Number(values['in-flight']);
  const port = Number(values.port);
  const db = openMigratedDatabase();
  await upsertUser(db, { email: EMAIL, role: 'manager', password: PASSWORD }, { actor: 'bench' });
  const key = createApiKey(db, { name: `mixed ${Date.now()}`, scope: 'ingest' }, { actor: 'bench' }).key;
  const accountIds = db.$client.prepare('SELECT id FROM accounts WHERE churned_at IS NULL').pluck().all() as string[];
  const before = db.$client.prepare('SELECT max(pk) FROM events').pluck().get() as number;
  db.$client.close();

  buildIfNeeded();
  // --profile DIR: a CPU profile of the server (node --cpu-prof), written when it stops.
  const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : [];
  const server = startServer({ port, databaseFile: databaseFile(), env: { NEXTAUTH_SECRET: 'bench-secret', ...(values.worker ? { TRELLIS_WORKER: 'off' } : {}) }, nodeArgs });
  const worker = values.worker
    ? spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], { env: { ...process.env, DATABASE_URL: `file:${databaseFile()}` }, stdio: ['ignore', 'ignore', 'inherit'] })
    : null;
  const base = `http://localhost:${port}`;
  try {
    await waitForHealth(base);
    const cookie = await signInCookie(base, EMAIL, PASSWORD);
    const runTag = Date.now().toString(36);
    const idOf = (k: number) => `mixed-${runTag}-${k}`;
    const interval = (BATCH / rate) * 1000;
    const writeLatencies: number[] = [];
    /** batch number -> events the answer said were accepted */
    const acknowledged = new Map<number, number>();
    const failed: string[] = [];
    let batches = 0;
    const deadline = Date.now() + seconds * 1000;
    const cpuBefore = cpuSeconds(server.pid!);
    const workerCpuBefore = worker ? cpuSeconds(worker.pid!) : null;
    const loadBefore = os.loadavg();

    // Writers: a batch of 500 every 100 ms (5,000 events/s), never more than --in-flight batches
    // waiting for their answer (a tick that finds them all waiting sends nothing).
    const writers = (async () => {
      let inFlight = 0;
      const pending: Promise<void>[] = [];
      while (Date.now() < deadline) {
        const tick = Date.now();
        if (inFlight < maxInFlight) {
          const n = batches++;
          const events = Array.from({ length: BATCH }, (_, i) => {
            const k = n * BATCH + i;
            return { id: idOf(k), accountId: accountIds[k % accountIds.length], type: TYPES[k % TYPES.length], occurredAt: new Date(Date.now() - (k % 20) * 3_600_000).toISOString() };
          });
          inFlight += 1;
          const started = performance.now();
          pending.push(
            fetch(`${base}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(events) })
              .then(async (res) => {
                const text = await res.text();
                writeLatencies.push(performance.now() - started);
                if (res.ok) acknowledged.set(n, (JSON.parse(text) as { accepted: number }).accepted);
                else failed.push(`batch ${n}: ${res.status} ${text.slice(0, 200)}`);
              })
              .catch((error: unknown) => void failed.push(`batch ${n}: ${String(error)}`))
              .finally(() => void (inFlight -= 1)),
          );
        }
        await sleep(Math.max(0, interval - (Date.now() - tick)));
      }
      await Promise.all(pending);
    })();

    // How long touched accounts wait for their rescore: the age of the oldest one listed, sampled.
    const waits: number[] = [];
    const peek = openDatabase(databaseFile(), { readonly: true });
    const oldest = () => peek.$client.prepare('SELECT count(*) AS n, min(queued_at) AS at FROM rescore_pending').get() as { n: number; at: number | null };
    const sampler = (async () => {
      while (Date.now() < deadline) {
        const o = oldest();
        waits.push(o.at === null ? 0 : Date.now() - o.at);
        await sleep(250);
      }
    })();

    // A full rescore in another process, as `npm run rescore` would run beside the app.
    const rescoreStarted = performance.now();
    let rescoreErr = '';
    const rescoreDone = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rescore.ts', '--current-only'], { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (d: Buffer) => void (rescoreErr += d.toString()));
      child.on('exit', (code) => resolve({ code, ms: performance.now() - rescoreStarted }));
    });

    const reads = await autocannon({
      url: `${base}/api/app/accounts?band=red&sort=-arr&limit=100&owner=*`,
      connections: Number(values.readers),
      duration: seconds,
      headers: { cookie },
    });
    await writers;
    await sampler;
    const cpuUnderLoad = cpuSeconds(server.pid!);
    const workerCpuUnderLoad = worker ? cpuSeconds(worker.pid!) : null;
    const loadAfter = os.loadavg();
    // After the last batch: how long until every touched account has its new score.
    const drainStarted = performance.now();
    while (oldest().n > 0 && performance.now() - drainStarted < 60_000) await sleep(50);
    const drainMs = performance.now() - drainStarted;
    const rescoreResult = await rescoreDone;
    const leftWaiting = oldest().n;
    peek.$client.close();

    // Every acknowledged event stored exactly once (ids are unique in the table, so "once" is the
    // aggregates agreeing with the events); stored but unacknowledged events would be batches whose
    // answer was lost after the commit (safe to re-send: the ids make it idempotent).
    const check = openMigratedDatabase();
    const stored = new Set(check.$client.prepare('SELECT id FROM events WHERE pk > ?').pluck().all(before) as string[]);
    const counted = aggregatedEventCount(check);
    const summed = check.$client.prepare('SELECT sum(count) FROM events').pluck().get() as number;
    check.$client.close();
    let missing = 0;
    let acknowledgedEvents = 0;
    for (const [n, accepted] of acknowledged) {
      acknowledgedEvents += accepted;
      for (let i = 0; i < BATCH; i++) if (!stored.has(idOf(n * BATCH + i))) missing += 1;
    }
    let unacknowledgedStored = 0;
    for (let n = 0; n < batches; n++) if (!acknowledged.has(n) && stored.has(idOf(n * BATCH))) unacknowledgedStored += 1;

    writeLatencies.sort((a, b) => a - b);
    waits.sort((a, b) => a - b);
    const p95Read = reads.latency.p90 + ((reads.latency.p97_5 - reads.latency.p90) * 5) / 7.5;
    const cpu = cpuBefore !== null && cpuUnderLoad !== null ? `${(cpuUnderLoad - cpuBefore).toFixed(1)} s` : 'n/a';
    const workerCpu = workerCpuBefore !== null && workerCpuUnderLoad !== null ? `; worker process ${(workerCpuUnderLoad - workerCpuBefore).toFixed(1)} s` : '';
    const readErrors = reads.errors + reads.non2xx;
    console.log(`Mixed load for ${seconds} s on ${accountIds.length} active accounts (${os.cpus().length} cores):`);
    console.log(`  reads:    ${Math.round(reads.requests.average)} req/s, p50 ${reads.latency.p50} ms, ~p95 ${p95Read.toFixed(0)} ms, p99 ${reads.latency.p99} ms, errors ${readErrors}`);
    console.log(`  writes:   ${Math.round(acknowledgedEvents / seconds)} events/s acknowledged (${batches} batches of ${BATCH} sent), batch p50 ${pct(writeLatencies, 50).toFixed(0)} ms, p95 ${pct(writeLatencies, 95).toFixed(0)} ms, max ${pct(writeLatencies, 100).toFixed(0)} ms, errors ${failed.length}`);
    console.log(`  freshness: oldest account waiting for its rescore (sampled every 250 ms): p50 ${pct(waits, 50)} ms, p95 ${pct(waits, 95)} ms, max ${pct(waits, 100)} ms; all rescored ${drainMs.toFixed(0)} ms after the last batch`);
    console.log(`  rescore:  exit ${rescoreResult.code} after ${(rescoreResult.ms / 1000).toFixed(1)} s (another process, --current-only)`);
    console.log(`  events:   ${acknowledgedEvents} acknowledged, ${stored.size} stored; acknowledged but missing ${missing}; batches stored without an answer ${unacknowledgedStored}; aggregates ${counted === summed ? 'match' : `DIFFER (${counted} vs ${summed})`} the events`);
    console.log(`  server:   ${cpu} CPU during the run${workerCpu}; load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after (1 min)`);
    for (const f of failed.slice(0, 5)) console.log(`  failed ${f}`);
    if (rescoreResult.code !== 0) console.log(`  rescore stderr: ${rescoreErr.trim().split('\n').slice(-5).join(' | ')}`);
    const ok = readErrors === 0 && failed.length === 0 && missing === 0 && counted === summed && rescoreResult.code === 0 && leftWaiting === 0;
    console.log(ok ? 'OK: no errors, every acknowledged event stored once, every touched account rescored.' : 'FAILED: see above.');
    if (!ok) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    worker?.kill('SIGTERM');
  }
});
