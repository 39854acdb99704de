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
 * `--profile DIR`: a CPU profile of the server (node --cpu-prof), written to DIR when it stops.
 * `--web N`: N web processes (ports --port, --port + 1, ...) with the background work off and a
 * worker process beside them (`npm run worker`), as behind a load balancer: the clients are split
 * between them; reported are the sum of their requests, the worst of their latencies and their
 * CPU time together.
 *
 * `--every-page`: instead, every page of the app once as an admin (each `--single` times, one
 * request at a time): the median time, the server's CPU per request and the size of the HTML.
 * What a page costs to render, page by page, whatever the load.
 *
 * Use a database with a scored portfolio and its daily history (e.g. `npm run db:seed -- --accounts 10000 --months 18`).
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import os from 'node:os';
import path from 'node:path';
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

async function measure(title: string, path: string, cookie: string, options: { connections: number; seconds: number; runs: number; pids: number[]; bases: string[] }) {
  const { bases, pids } = options;
  const alone = await single(`${bases[0]}${path}`, cookie, options.runs);
  const cpuOf = () => {
    let sum = 0;
    for (const pid of pids) {
      const c = cpuSeconds(pid);
      if (c === null) return null;
      sum += c;
    }
    return sum;
  };
  const cpuBefore = cpuOf();
  const loadBefore = load();
  const results = await Promise.all(
    bases.map((base, i) =>
      autocannon({
        url: `${base}${path}`,
        connections: Math.floor(options.connections / bases.length) + (i < options.connections % bases.length ? 1 : 0),
        duration: options.seconds,
        headers: { cookie },
      }),
    ),
  );
  const cpuAfter = cpuOf();
  const cpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  const total = results.reduce((sum, r) => sum + r.requests.total, 0);
  const perSecond = results.reduce((sum, r) => sum + r.requests.average, 0);
  const worst = (f: (r: autocannon.Result) => number) => Math.max(...results.map(f));
  // autocannon reports p90/p97.5/p99; p95 is interpolated between p90 and p97.5 (the worst server's).
  const p95 = worst((r) => r.latency.p90 + ((r.latency.p97_5 - r.latency.p90) * (95 - 90)) / (97.5 - 90));
  const errors = results.reduce((sum, r) => sum + r.errors + r.non2xx, 0);
  const perRequest = cpu === null || !total ? '' : `  server CPU ${((cpu * 1000) / total).toFixed(1)} ms/request`;
  console.log(
    `${title}\n  ${alone}\n  ${options.connections} clients: ${Math.round(perSecond)} req/s  p50 ${worst((r) => r.latency.p50)} ms  ~p95 ${p95.toFixed(0)} ms  p99 ${worst((r) => r.latency.p99)} ms  errors ${errors}${perRequest}  load ${loadBefore} -> ${load()}`,
  );
}

/** Every page of the app, one request at a time: median time, server CPU and HTML size of each. */
async function everyPage(base: string, cookie: string, pid: number, runs: number, sample: string) {
  const pages = [
    '/my-day', '/my-day?owner=*', '/my-day?owner=*&all=true', '/accounts', '/accounts?band=red&sort=-arr&owner=*', `/accounts/${encodeURIComponent(sample)}`,
    '/alerts', '/alerts?shown=100', '/trends', '/cohorts', '/experiments',
    '/admin/model', '/admin/triggers', '/admin/cadence', '/admin/playbooks', '/admin/users', '/admin/api-keys', '/admin/api', '/admin/import', '/admin/webhooks', '/admin/audit',
  ];
  console.log('| page | median | server CPU per request | HTML |\n|---|---|---|---|');
  for (const page of pages) {
    const get = async () => {
      const res = await fetch(`${base}${page}`, { headers: { cookie } });
      const body = await res.arrayBuffer();
      if (!res.ok) throw new Error(`${page} answered ${res.status}`);
      return body.byteLength;
    };
    for (let i = 0; i < 3; i++) await get();
    const cpuBefore = cpuSeconds(pid);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      bytes = await get();
      times.push(performance.now() - started);
    }
    const cpuAfter = cpuSeconds(pid);
    times.sort((a, b) => a - b);
    const cpu = cpuBefore === null || cpuAfter === null ? '' : `${(((cpuAfter - cpuBefore) * 1000) / runs).toFixed(1)} ms`;
    console.log(`| \`${page}\` | ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms | ${cpu} | ${(bytes / 1024).toFixed(0)} KB |`);
  }
}

run(async () => {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' }, single: { type: 'string', default: '30' }, port: { type: 'string', default: '3900' },
      only: { type: 'string' }, profile: { type: 'string' }, web: { type: 'string', default: '1' }, 'every-page': { type: 'boolean', default: false },
    },
  });
  const options = { connections: Number(values.connections), seconds: Number(values.seconds), runs: Number(values.single) };
  const port = Number(values.port);
  const { accounts, events, sample, lastDay } = await withMigratedStore(async (db) => {
    await upsertUser(db, { email: EMAIL, role: values['every-page'] ? 'admin' : 'manager', password: PASSWORD }, { actor: 'bench' });
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
  const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : [];
  const webCount = Math.max(1, Number(values.web));
  const servers = Array.from({ length: webCount }, (_, i) =>
    startServer({
      port: port + i,
      databaseFile: database.databaseFile,
      env: { ...database.env, NEXTAUTH_SECRET: 'bench-secret', ...(webCount > 1 ? { TRELLIS_WORKER: 'off' } : {}) },
      nodeArgs,
    }),
  );
  const worker =
    webCount > 1
      ? spawn(process.execPath, ['scripts/run-compiled.mjs', 'scripts/worker.ts'], {
          env: { ...process.env, DATABASE_URL: database.env.DATABASE_URL ?? `file:${database.databaseFile}` },
          stdio: ['ignore', 'ignore', 'inherit'],
        })
      : null;
  const bases = servers.map((_, i) => `http://localhost:${port + i}`);
  try {
    for (const base of bases) await waitForHealth(base);
    const cookie = await signInCookie(bases[0]!, EMAIL, PASSWORD);
    console.log(`${webCount} web process${webCount > 1 ? 'es with the background work off, and a worker process' : ''}\n`);
    if (values['every-page']) return await everyPage(bases[0]!, cookie, servers[0]!.pid!, options.runs, sample);
    const id = encodeURIComponent(sample);
    const runs = [
      ['accounts list JSON: red, most ARR first', '/api/app/accounts?band=red&sort=-arr&limit=100&owner=*'],
      ['accounts list JSON: search "port", lowest score first', '/api/app/accounts?q=port&sort=score&limit=100&owner=*'],
      [`accounts list JSON as of ${asOf}: red, lowest score first`, `/api/app/accounts?band=red&limit=100&owner=*&asOf=${asOf}`],
      ['account page JSON', `/api/app/accounts/${id}`],
      ['accounts page HTML (server-rendered): red, most ARR first', '/accounts?band=red&sort=-arr&owner=*'],
      ['account page HTML (server-rendered)', `/accounts/${id}`],
    ] as const;
    const pids = servers.map((s) => s.pid!);
    for (const [title, url] of runs.filter(([title]) => !values.only || title.includes(values.only))) await measure(title, url, cookie, { ...options, pids, bases });
  } finally {
    const exited = servers.map((server) => new Promise((resolve) => server.once('exit', resolve)));
    for (const server of servers) server.kill('SIGTERM');
    worker?.kill('SIGTERM');
    // A profile is written as each server exits.
    if (values.profile) await Promise.all(exited);
  }
});
