/**
 * Server response times of the CSM's pages under concurrent clients (autocannon, loopback only):
 * the accounts list (filtered, sorted; today and as of an earlier day) and the account page, as
 * JSON and as the rendered page. Each route is first timed alone (sequential requests), then
 * under `--connections` clients; the server's CPU time and the machine's load average are printed
 * beside each, since the machine may be shared.
 *
 *   DATABASE_URL=file:/tmp/bench/trellis.db npx tsx scripts/bench-pages.ts [--connections 20] [--seconds 20] [--single 30] [--port 3900]
 *   (or DATABASE_URL=postgres://...: the server gets it as it is)
 *
 * `--only TEXT` times only the routes whose title contains TEXT (e.g. `--only HTML` for the rendered pages).
 *
 * Use a database with a scored portfolio and its daily history (e.g. `npm run db:seed -- --accounts 10000 --months 18`).
 */
import autocannon from 'autocannon';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { upsertUser } from '@/lib/server/commands/users';
import { cpuSeconds, signInCookie } from './bench-support';
import { run, withMigratedStore } from './cli';
import { buildIfNeeded, serverDatabase, startServer, waitForHealth } from './serve';

const EMAIL = 'bench-manager@example.com';
const PASSWORD = 'bench-password-not-secret';

const load = () => os.loadavg()[0]!.toFixed(1);

/** Sequential requests, one at a time: what a request costs without queueing. */
async function single(url: string, cookie: string, runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    if (i >= 2) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return `alone: min ${times[0]!.toFixed(0)} / median ${at(0.5).toFixed(0)} / p90 ${at(0.9).toFixed(0)} ms`;
}

async function measure(title: string, url: string, cookie: string, options: { connections: number; seconds: number; runs: number; pid: number }) {
  const alone = await single(url, cookie, options.runs);
  const cpuBefore = cpuSeconds(options.pid);
  const loadBefore = load();
  const result = await autocannon({ url, connections: options.connections, duration: options.seconds, headers: { cookie } });
  const cpu = cpuBefore === null ? null : cpuSeconds(options.pid)! - cpuBefore;
  const l = result.latency;
  // autocannon reports p90/p97.5/p99; p95 is interpolated between p90 and p97.5.
  const p95 = l.p90 + ((l.p97_5 - l.p90) * (95 - 90)) / (97.5 - 90);
  const errors = result.errors + result.non2xx;
  const perRequest = cpu === null || !result.requests.total ? '' : `  server CPU ${((cpu * 1000) / result.requests.total).toFixed(1)} ms/request`;
  console.log(`${title}\n  ${alone}\n  ${options.connections} clients: ${Math.round(result.requests.average)} req/s  p50 ${l.p50} ms  ~p95 ${p95.toFixed(0)} ms  p99 ${l.p99} ms  errors ${errors}${perRequest}  load ${loadBefore} -> ${load()}`);
}

run(async () => {
  const { values } = parseArgs({
    options: { connections: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' }, single: { type: 'string', default: '30' }, port: { type: 'string', default: '3900' }, only: { type: 'string' } },
  });
  const options = { connections: Number(values.connections), seconds: Number(values.seconds), runs: Number(values.single) };
  const port = Number(values.port);
  const { accounts, events, sample, lastDay } = await withMigratedStore(async (db) => {
    await upsertUser(db, { email: EMAIL, role: 'manager', password: PASSWORD }, { actor: 'bench' });
    return {
      accounts: await db.value<number>('SELECT count(*) FROM accounts'),
      events: await db.value<number>('SELECT coalesce(sum(events), 0) FROM account_activity'),
      sample: (await db.value<string>("SELECT a.id FROM accounts a JOIN scores s ON s.account_pk = a.pk WHERE s.band = 'red' ORDER BY a.pk LIMIT 1")) ?? '',
      lastDay: (await db.value<number | null>('SELECT max(day) FROM score_snapshots')) ?? null,
    };
  });
  // An earlier day of the history for the as-of routes: 90 days before its last.
  const asOf = new Date(((lastDay ?? Math.floor(Date.now() / 86_400_000)) - 90) * 86_400_000).toISOString().slice(0, 10);
  console.log(`Portfolio: ${accounts} accounts, ${events} events; ${options.connections} connections for ${options.seconds} s per route; ${os.cpus().length} CPUs\n`);

  buildIfNeeded();
  const database = serverDatabase();
  const server = startServer({ port, databaseFile: database.databaseFile, env: { ...database.env, NEXTAUTH_SECRET: 'bench-secret' } });
  try {
    const base = `http://localhost:${port}`;
    await waitForHealth(base);
    const cookie = await signInCookie(base, EMAIL, PASSWORD);
    const id = encodeURIComponent(sample);
    const runs = [
      ['accounts list JSON: red, most ARR first', `${base}/api/app/accounts?band=red&sort=-arr&limit=100&owner=*`],
      ['accounts list JSON: search "port", lowest score first', `${base}/api/app/accounts?q=port&sort=score&limit=100&owner=*`],
      [`accounts list JSON as of ${asOf}: red, lowest score first`, `${base}/api/app/accounts?band=red&limit=100&owner=*&asOf=${asOf}`],
      ['account page JSON', `${base}/api/app/accounts/${id}`],
      ['accounts page HTML (server-rendered): red, most ARR first', `${base}/accounts?band=red&sort=-arr&owner=*`],
      ['account page HTML (server-rendered)', `${base}/accounts/${id}`],
    ] as const;
    for (const [title, url] of runs.filter(([title]) => !values.only || title.includes(values.only))) await measure(title, url, cookie, { ...options, pid: server.pid! });
  } finally {
    server.kill('SIGTERM');
  }
});
