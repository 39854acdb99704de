/**
 * npx tsx scripts/bench-ingest.ts [--accounts 1000] [--batches 100] [--batch-size 1000]
 *   [--concurrency 4] [--max-seconds 120]
 *
 * Events per second through the HTTP API (POST /api/v1/events, batches of 1,000, loopback) on a
 * production build and a scratch database, against plain better-sqlite3 inserts of the same rows
 * into the events table of another scratch database, in the same run. The HTTP path does what
 * every real batch does: validation, idempotency, aggregates, and rescoring the touched accounts
 * just after the commit (the run waits for the last rescore; the server CPU time includes it).
 * Starts and stops its own server; bounded in batches and in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/open';
import { DEFAULT_TRIGGERS } from '@/lib/scoring';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { mulberry32 } from '@/lib/testing/random';
import { cpuSeconds } from './bench-support';
import { openMigratedSqlite, run, UsageError } from './cli';
import { buildIfNeeded, waitForHealth } from './serve';

const DAY = 86_400_000;

interface BenchEvent { id: string; accountId: string; type: string; occurredAt: string; count: number; properties?: Record<string, unknown> }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Accounts one batch covers in the `by-account` layout (an export sorted by account). */
const ACCOUNTS_PER_SORTED_BATCH = 20;

function makeBatches(o: { accounts: number; batches: number; size: number; days: number; layout: string }, now: number): BenchEvent[][] {
  const random = mulberry32(42); // seeded: runs are comparable
  const types = DEFAULT_TRIGGERS.map((t) => t.key);
  let seq = 0;
  return Array.from({ length: o.batches }, (_, b) =>
    Array.from({ length: o.size }, () => {
      const type = types[Math.floor(random() * types.length)]!;
      const account = o.layout === 'spread'
        ? Math.floor(random() * o.accounts)
        : (b * ACCOUNTS_PER_SORTED_BATCH + Math.floor(random() * ACCOUNTS_PER_SORTED_BATCH)) % o.accounts;
      const e: BenchEvent = {
        id: `bench-${seq++}`,
        accountId: `BENCH-${account}`,
        type,
        occurredAt: new Date(now - Math.floor(random() * o.days * DAY)).toISOString(),
        count: 1 + Math.floor(random() * 3),
      };
      if (type === 'meeting.held') e.properties = { onTime: random() < 0.8, strategic: random() < 0.3 };
      if (type === 'feature.used') e.properties = { feature: `f${Math.floor(random() * 9)}` };
      return e;
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function sendAll(url: string, key: string, bodies: string[], concurrency: number, deadline: number) {
  const latencies: number[] = [];
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < bodies.length && Date.now() < deadline) {
      const body = bodies[next++]!;
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      latencies.push(performance.now() - t);
      sent += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: (performance.now() - started) / 1000, sent, latencies: latencies.sort((a, b) => a - b) };
}

/** The same rows, straight into the events table: no HTTP, validation, aggregates or scoring. */
async function rawInserts(dir: string, accounts: number, batches: BenchEvent[][]) {
  const db = await openMigratedSqlite(path.join(dir, 'raw.db'));
  await upsertAccounts(db, Array.from({ length: accounts }, (_, i) => ({ id: `BENCH-${i}`, name: `Bench ${i}` })));
  const c = db.client;
  const pks = new Map((c.prepare('SELECT id, pk FROM accounts').all() as { id: string; pk: number }[]).map((r) => [r.id, r.pk]));
  const insert = c.prepare('INSERT INTO events (id, account_pk, type, occurred_at, count, properties, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const write = c.transaction((batch: BenchEvent[]) => {
    const now = Date.now();
    for (const e of batch) insert.run(e.id, pks.get(e.accountId)!, e.type, Date.parse(e.occurredAt), e.count, e.properties ? JSON.stringify(e.properties) : null, 'bench', now);
  });
  const started = performance.now();
  for (const batch of batches) write(batch);
  const seconds = (performance.now() - started) / 1000;
  c.close();
  return seconds;
}

function stop(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null) return resolve();
    server.once('exit', () => resolve());
    // The server runs in its own process group: end it and anything it started.
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

run(async () => {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '1000' },
      batches: { type: 'string', default: '100' },
      'batch-size': { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '4' },
      'max-seconds': { type: 'string', default: '120' },
      warmup: { type: 'string', default: '5' },
      /** spread: every event of a random account; by-account: each batch covers 20 accounts */
      layout: { type: 'string', default: 'spread' },
      /** events happen over the last N days (1: a live stream, only today's snapshots move) */
      days: { type: 'string', default: '60' },
      /** write a CPU profile of the server (node --cpu-prof) into this folder */
      profile: { type: 'string' },
    },
  });
  const [accounts, batches, size, concurrency, maxSeconds, warmup, days] = [values.accounts, values.batches, values['batch-size'], values.concurrency, values['max-seconds'], values.warmup, values.days].map(Number) as number[];
  if (![accounts, batches, size, concurrency, maxSeconds, days].every((n) => Number.isInteger(n) && n! > 0) || size! > 10_000 || batches! > 2_000 || days! > 365) {
    throw new UsageError('--accounts, --batches (<= 2000), --batch-size (<= 10000), --concurrency, --max-seconds and --days (<= 365) must be positive whole numbers');
  }
  const layout = values.layout!;
  if (!['spread', 'by-account'].includes(layout)) throw new UsageError('--layout must be spread or by-account');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-ingest-'));
  const file = path.join(dir, 'trellis.db');
  let server: ChildProcess | null = null;
  try {
    const db = await openMigratedSqlite(file);
    await upsertAccounts(db, Array.from({ length: accounts! }, (_, i) => ({ id: `BENCH-${i}`, name: `Bench ${i}`, tier: 'core' as const, startedAt: Date.now() - 400 * DAY })));
    const key = (await createApiKey(db, { name: 'bench', scope: 'ingest' }, { actor: 'bench' })).key;
    await db.close();

    const now = Date.now();
    const all = makeBatches({ accounts: accounts!, batches: warmup! + batches!, size: size!, days: days!, layout }, now);
    const bodies = all.map((b) => JSON.stringify(b));
    const touched = new Set(all[warmup!]!.map((e) => e.accountId)).size;
    console.log(`${accounts} accounts; ${batches} batches of ${size} events (+${warmup} warm-up) over the last ${days} day(s), layout ${layout} (~${touched} accounts per batch), ${concurrency} concurrent requests; bodies ~${Math.round(bodies[0]!.length / 1024)} KB`);

    buildIfNeeded();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : [];
    server = spawn(process.execPath, [...nodeArgs, require.resolve('next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', DATABASE_URL: `file:${file}`, NEXTAUTH_URL: base, NEXTAUTH_SECRET: 'bench-only-secret' },
    });
    await waitForHealth(base, 60_000);

    const url = `${base}/api/v1/events`;
    await sendAll(url, key, bodies.slice(0, warmup), 1, Date.now() + 60_000);
    const cpuBefore = cpuSeconds(server.pid!);
    const load = os.loadavg()[0]!;
    const timed = await sendAll(url, key, bodies.slice(warmup), concurrency!, Date.now() + maxSeconds! * 1000);
    const cpuAnswered = cpuSeconds(server.pid!);
    const events = timed.sent * size!;
    const httpRate = events / timed.seconds;

    // Scores follow the answers (rescored just after each commit): wait for the last of them, so
    // that the CPU time counts the rescoring the batches caused.
    const check = openDatabase(file, { readonly: true });
    const waiting = () => check.$client.prepare('SELECT count(*) FROM rescore_pending').pluck().get() as number;
    const drainStarted = performance.now();
    while (waiting() > 0 && performance.now() - drainStarted < 60_000) await new Promise((r) => setTimeout(r, 20));
    const drainMs = performance.now() - drainStarted;
    const cpuAfter = cpuSeconds(server.pid!);
    const stored = check.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;
    const scored = check.$client.prepare('SELECT count(*) FROM scores WHERE state = ?').pluck().get('scored') as number;
    const left = waiting();
    check.$client.close();
    if (left) throw new Error(`${left} accounts still wait for their rescore 60 s after the last answer`);
    if (stored !== (warmup! + timed.sent) * size!) throw new Error(`expected ${(warmup! + timed.sent) * size!} stored events, found ${stored}`);

    const rawSeconds = await rawInserts(dir, accounts!, all.slice(warmup, warmup! + timed.sent));
    const rawRate = events / rawSeconds;
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`HTTP:  ${events.toLocaleString('en')} events in ${timed.seconds.toFixed(2)} s = ${Math.round(httpRate).toLocaleString('en')} events/s` +
      ` (request latency p50 ${ms(percentile(timed.latencies, 50))}, p95 ${ms(percentile(timed.latencies, 95))}, max ${ms(timed.latencies.at(-1) ?? 0)}); ${scored} accounts scored, the last ${ms(drainMs)} after the last answer`);
    if (cpuBefore !== null && cpuAnswered !== null && cpuAfter !== null) {
      const cpu = cpuAfter - cpuBefore;
      console.log(`server CPU: ${cpu.toFixed(2)} s for the timed batches and their rescoring (${(cpuAnswered - cpuBefore).toFixed(2)} s until the last answer) = ${Math.round(events / cpu).toLocaleString('en')} events per CPU-second; load average at start ${load.toFixed(2)} on ${os.cpus().length} cores`);
    }
    console.log(`raw:   ${events.toLocaleString('en')} events in ${rawSeconds.toFixed(2)} s = ${Math.round(rawRate).toLocaleString('en')} events/s (better-sqlite3 INSERTs, one transaction per batch)`);
    console.log(`ratio: HTTP path at ${((httpRate / rawRate) * 100).toFixed(1)}% of raw inserts; target 25,000 events/s ${httpRate >= 25_000 ? 'met' : 'NOT met'}`);
  } finally {
    if (server) await stop(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
