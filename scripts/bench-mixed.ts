/**
 * Mixed load on loopback: dashboards read by 20 clients, events arriving at 5,000 per second, and
 * a full rescore running in another process, for 60 seconds. Checks that nothing failed and that
 * every acknowledged event is stored exactly once; prints throughput, latencies, how long touched
 * accounts waited for their rescore, CPU time (of the servers, the worker and this load generator)
 * and the load of the machine.
 *
 *   DATABASE_URL=file:/tmp/mixed/trellis.db npx tsx scripts/bench-mixed.ts [--seconds 60] [--rate 5000] [--readers 20] [--in-flight 8] [--worker] [--profile DIR]
 *
 * DATABASE_URL may be a postgres:// URL: the server, the worker and the rescore get it as it is.
 *
 * --worker: the web process runs with TRELLIS_WORKER=off and `npm run worker` does the rescoring
 * in a process of its own (its CPU time is reported apart).
 *
 * --web N: N web processes (ports --port, --port + 1, ...), as behind a load balancer: batches go
 * to them in turn and the readers are split between them (reported: the sum of their requests,
 * the worst of their latencies). Meant with PostgreSQL and --worker.
 *
 * Use a scored portfolio (e.g. `npm run db:seed -- --accounts 2000 --months 12`); the run adds events to it.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { aggregatedEventCount } from '@/lib/server/aggregates';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { upsertUser } from '@/lib/server/commands/users';
import { openStore } from '@/lib/server/store';
import { sample } from '@/lib/testing/prometheus';
import { cpuSeconds, signInCookie } from './bench-support';
import { openMigratedStore, run, withMigratedStore } from './cli';
import { buildIfNeeded, serverDatabase, startServer, waitForHealth } from './serve';

const EMAIL = 'bench-mixed@example.com';
const PASSWORD = 'bench-password-not-secret';
const TYPES = ['product.login', 'meeting.held', 'email.exchanged', 'support.interaction', 'outreach.sent', 'outreach.replied'];
const BATCH = 500;

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

run(async () => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, rate: { type: 'string', default: '5000' }, readers: { type: 'string', default: '20' }, 'in-flight': { type: 'string', default: '8' }, port: { type: 'string', default: '3960' }, profile: { type: 'string' }, worker: { type: 'boolean', default: false }, web: { type: 'string', default: '1' } } });
  const webCount = Math.max(1, Number(values.web));
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const maxInFlight = Number(values['in-flight']);
  const port = Number(values.port);
  const { key, accountIds, before } = await withMigratedStore(async (db) => {
    await upsertUser(db, { email: EMAIL, role: 'manager', password: PASSWORD }, { actor: 'bench' });
    return {
      key: (await createApiKey(db, { name: `mixed ${Date.now()}`, scope: 'ingest' }, { actor: 'bench' })).key,
      accountIds: await db.column<string>('SELECT id FROM accounts WHERE churned_at IS NULL ORDER BY pk'),
      before: (await db.value<number | null>('SELECT max(pk) FROM events')) ?? 0,
    };
  });

  buildIfNeeded();
  // --profile DIR: CPU profiles of the servers and the worker (node --cpu-prof), written when they stop.
  const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : [];
  const database = serverDatabase();
  const servers = Array.from({ length: webCount }, (_, i) =>
    startServer({
      port: port + i,
      databaseFile: database.databaseFile,
      env: { ...database.env, NEXTAUTH_SECRET: 'bench-secret', TRELLIS_METRICS: 'open', ...(values.worker ? { TRELLIS_WORKER: 'off' } : {}) },
      nodeArgs,
    }),
  );
  const worker = values.worker
    ? spawn(process.execPath, [...nodeArgs, 'scripts/run-compiled.mjs', 'scripts/worker.ts'], {
        env: { ...process.env, DATABASE_URL: database.env.DATABASE_URL ?? `file:${database.databaseFile}`, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : null;
  // On SQLite the worker's rescore passes log how long they waited for the file's write lock and held it.
  const workerLock = { waitMs: 0, heldMs: 0, accounts: 0 };
  let workerLog = '';
  worker?.stdout!.on('data', (d: Buffer) => {
    const lines = (workerLog + d.toString()).split('\n');
    workerLog = lines.pop()!;
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as { msg?: string; lockWaitMs?: unknown; lockHeldMs?: unknown; accounts?: unknown };
        if (entry.msg === 'rescore step' && typeof entry.lockWaitMs === 'number' && typeof entry.lockHeldMs === 'number' && typeof entry.accounts === 'number') {
          workerLock.waitMs += entry.lockWaitMs;
          workerLock.heldMs += entry.lockHeldMs;
          workerLock.accounts += entry.accounts;
        }
      } catch {
        // not a log line
      }
    }
  });
  /** Each web process's use of the SQLite write lock so far (its metrics), summed. */
  const webLock = async () => {
    let wait = 0;
    let held = 0;
    for (const base of bases) {
      const text = await (await fetch(`${base}/api/metrics`)).text();
      wait += sample(text, 'trellis_sqlite_write_lock_wait_seconds_total') ?? 0;
      held += sample(text, 'trellis_sqlite_write_lock_held_seconds_total') ?? 0;
    }
    return { wait, held };
  };
  const bases = servers.map((_, i) => `http://localhost:${port + i}`);
  try {
    for (const base of bases) await waitForHealth(base);
    const cookie = await signInCookie(bases[0]!, EMAIL, PASSWORD);
    const runTag = Date.now().toString(36);
    const idOf = (k: number) => `mixed-${runTag}-${k}`;
    const interval = (BATCH / rate) * 1000;
    const writeLatencies: number[] = [];
    /** batch number -> events the answer said were accepted */
    const acknowledged = new Map<number, number>();
    const failed: string[] = [];
    let batches = 0;
    const deadline = Date.now() + seconds * 1000;
    const serversCpu = () => {
      let sum = 0;
      for (const s of servers) {
        const c = cpuSeconds(s.pid!);
        if (c === null) return null;
        sum += c;
      }
      return sum;
    };
    const cpuBefore = serversCpu();
    const workerCpuBefore = worker ? cpuSeconds(worker.pid!) : null;
    const webLockBefore = await webLock();
    const workerLockBefore = { ...workerLock };
    const loadBefore = os.loadavg();
    const generatorBefore = process.cpuUsage();

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
            fetch(`${bases[n % bases.length]}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(events) })
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
    const peek = await openStore(process.env.DATABASE_URL, { migrate: false, poolSize: 1 });
    const oldest = async () => (await peek.get<{ n: number; at: number | null }>('SELECT count(*) AS n, min(queued_at) AS at FROM rescore_pending'))!;
    const sampler = (async () => {
      while (Date.now() < deadline) {
        const o = await oldest();
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

    const readers = Number(values.readers);
    const readRuns = await Promise.all(
      bases.map((base, i) =>
        autocannon({
          url: `${base}/api/app/accounts?band=red&sort=-arr&limit=100&owner=*`,
          connections: Math.floor(readers / bases.length) + (i < readers % bases.length ? 1 : 0),
          duration: seconds,
          headers: { cookie },
        }),
      ),
    );
    const worst = (f: (r: autocannon.Result) => number) => Math.max(...readRuns.map(f));
    const reads = {
      requests: { average: readRuns.reduce((sum, r) => sum + r.requests.average, 0) },
      latency: { p50: worst((r) => r.latency.p50), p90: worst((r) => r.latency.p90), p97_5: worst((r) => r.latency.p97_5), p99: worst((r) => r.latency.p99) },
      errors: readRuns.reduce((sum, r) => sum + r.errors, 0),
      non2xx: readRuns.reduce((sum, r) => sum + r.non2xx, 0),
    };
    await writers;
    await sampler;
    const cpuUnderLoad = serversCpu();
    const workerCpuUnderLoad = worker ? cpuSeconds(worker.pid!) : null;
    const webLockAfter = await webLock();
    const workerLockAfter = { ...workerLock };
    const loadAfter = os.loadavg();
    const generator = process.cpuUsage(generatorBefore);
    // After the last batch: how long until every touched account has its new score.
    const drainStarted = performance.now();
    while ((await oldest()).n > 0 && performance.now() - drainStarted < 60_000) await sleep(50);
    const drainMs = performance.now() - drainStarted;
    const rescoreResult = await rescoreDone;
    const leftWaiting = (await oldest()).n;
    await peek.close();

    // Every acknowledged event stored exactly once (ids are unique in the table, so "once" is the
    // aggregates agreeing with the events); stored but unacknowledged events would be batches whose
    // answer was lost after the commit (safe to re-send: the ids make it idempotent).
    const check = await openMigratedStore();
    const stored = new Set(await check.column<string>('SELECT id FROM events WHERE pk > ?', [before]));
    const counted = await aggregatedEventCount(check);
    const summed = await check.value<number>('SELECT sum(count) FROM events');
    await check.close();
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
    console.log(`Mixed load for ${seconds} s on ${accountIds.length} active accounts (${os.cpus().length} cores; ${webCount} web process${webCount > 1 ? 'es' : ''}${worker ? ' + a worker' : ''}; ${database.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}):`);
    console.log(`  reads:    ${Math.round(reads.requests.average)} req/s, p50 ${reads.latency.p50} ms, ~p95 ${p95Read.toFixed(0)} ms, p99 ${reads.latency.p99} ms, errors ${readErrors}`);
    console.log(`  writes:   ${Math.round(acknowledgedEvents / seconds)} events/s acknowledged (${batches} batches of ${BATCH} sent), batch p50 ${pct(writeLatencies, 50).toFixed(0)} ms, p95 ${pct(writeLatencies, 95).toFixed(0)} ms, max ${pct(writeLatencies, 100).toFixed(0)} ms, errors ${failed.length}`);
    console.log(`  freshness: oldest account waiting for its rescore (sampled every 250 ms): p50 ${pct(waits, 50)} ms, p95 ${pct(waits, 95)} ms, max ${pct(waits, 100)} ms; all rescored ${drainMs.toFixed(0)} ms after the last batch`);
    console.log(`  rescore:  exit ${rescoreResult.code} after ${(rescoreResult.ms / 1000).toFixed(1)} s (another process, --current-only)`);
    console.log(`  events:   ${acknowledgedEvents} acknowledged, ${stored.size} stored; acknowledged but missing ${missing}; batches stored without an answer ${unacknowledgedStored}; aggregates ${counted === summed ? 'match' : `DIFFER (${counted} vs ${summed})`} the events`);
    console.log(`  web:      ${cpu} CPU during the run${workerCpu}; load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after (1 min); this load generator ${((generator.user + generator.system) / 1e6).toFixed(1)} s`);
    if (!database.env.DATABASE_URL?.startsWith('postgres')) {
      const web = { wait: webLockAfter.wait - webLockBefore.wait, held: webLockAfter.held - webLockBefore.held };
      const byWorker = worker
        ? { wait: (workerLockAfter.waitMs - workerLockBefore.waitMs) / 1000, held: (workerLockAfter.heldMs - workerLockBefore.heldMs) / 1000, accounts: workerLockAfter.accounts - workerLockBefore.accounts }
        : null;
      const held = web.held + (byWorker?.held ?? 0);
      console.log(
        `  write lock: web waited ${web.wait.toFixed(1)} s for it and held it ${web.held.toFixed(1)} s` +
          (byWorker
            ? `; worker (its passes that ended in the run) waited ${byWorker.wait.toFixed(1)} s, held ${byWorker.held.toFixed(1)} s for ${byWorker.accounts} rescores (${byWorker.accounts ? ((byWorker.held * 1e6) / byWorker.accounts).toFixed(0) : '-'} µs held per account)`
            : '') +
          `; held ${((100 * held) / seconds).toFixed(0)}% of the run, besides the full rescore's chunks`,
      );
    }
    for (const f of failed.slice(0, 5)) console.log(`  failed ${f}`);
    if (rescoreResult.code !== 0) console.log(`  rescore stderr: ${rescoreErr.trim().split('\n').slice(-5).join(' | ')}`);
    const ok = readErrors === 0 && failed.length === 0 && missing === 0 && counted === summed && rescoreResult.code === 0 && leftWaiting === 0;
    console.log(ok ? 'OK: no errors, every acknowledged event stored once, every touched account rescored.' : 'FAILED: see above.');
    if (!ok) process.exitCode = 1;
  } finally {
    for (const server of servers) server.kill('SIGTERM');
    worker?.kill('SIGTERM');
  }
});
