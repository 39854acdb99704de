/**
 * Crash safety: sends a long import of events through the HTTP API, kills the server with SIGKILL
 * in the middle, restarts it, and checks that every acknowledged batch is present exactly once,
 * that re-sending everything with the same ids completes the import without duplicates, that the
 * restarted server rescores the accounts left waiting (events committed, rescore not yet done),
 * that `PRAGMA integrity_check` is ok and that a full rescore changes no score. Then a CSV import
 * (events without ids) is killed mid-file: the restarted server resumes it after its last committed
 * chunk, and every row ends up there exactly once.
 *
 *   npx tsx scripts/crash-test.ts [--batches 60] [--batch-size 1000] [--kill-after 20] [--port 3950]
 *
 * Then a model publish killed mid-recompute: on a seeded portfolio, `PUT /api/v1/model` answers
 * 202 with a job; while the job is part-way the server still answers /api/health and the accounts
 * list; the server is killed with SIGKILL, restarted, and the job must resume and finish, after
 * which every current score and daily snapshot equals a fresh full rescore with the new model (no
 * score of the old model left).
 *
 *   npx tsx scripts/crash-test.ts [...] [--publish-accounts 600] [--publish-only]
 *
 * Loopback only; bounded in count and time. Exits non-zero when a guarantee is broken.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/open';
import { guessMapping } from '@/lib/ingest/csv';
import { aggregatedEventCount } from '@/lib/server/aggregates';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { rescoreEverything } from '@/lib/server/commands/rescore-all';
import { rescore } from '@/lib/server/commands/scores';
import { upsertUser } from '@/lib/server/commands/users';
import { sqliteStore } from '@/lib/server/store';
import { signInCookie } from './bench-support';
import { openMigratedSqlite, run } from './cli';
import { runSeed } from './seed';
import { buildIfNeeded, startServer, waitForHealth } from './serve';

const TYPES = ['product.login', 'meeting.held', 'email.exchanged', 'support.interaction', 'feature.used'];
const DAY = 86_400_000;

function batch(index: number, size: number, accounts: number) {
  return Array.from({ length: size }, (_, i) => {
    const n = index * size + i;
    const type = TYPES[n % TYPES.length];
    return {
      id: `crash-${n}`,
      accountId: `CRASH-${n % accounts}`,
      type,
      occurredAt: new Date(Date.now() - ((n * 7919) % (60 * DAY))).toISOString(),
      count: 1 + (n % 3),
      ...(type === 'feature.used' ? { properties: { feature: `f${n % 5}` } } : {}),
    };
  });
}

function fail(message: string): never {
  console.error(`FAILED: ${message}`);
  process.exit(1);
}

function waitingForRescore(file: string): number {
  const peek = openDatabase(file, { readonly: true });
  try {
    return peek.$client.prepare('SELECT count(*) FROM rescore_pending').pluck().get() as number;
  } finally {
    peek.$client.close();
  }
}

// --- A CSV import killed mid-file -------------------------------------------------------------

const CSV_ROWS = 30_000;
const ADMIN = { email: 'crash-admin@example.com', password: 'crash-test-password' };

function importRun(file: string): { status: string; written: number; total: number; message: string | null } | undefined {
  const peek = openDatabase(file, { readonly: true });
  try {
    const row = peek.$client.prepare('SELECT status, written_rows AS written, total_rows AS total, report FROM import_runs ORDER BY pk DESC LIMIT 1').get() as
      { status: string; written: number; total: number; report: string | null } | undefined;
    return row && { ...row, message: row.report ? ((JSON.parse(row.report) as { message?: string | null }).message ?? null) : null };
  } finally {
    peek.$client.close();
  }
}

/**
 * Uploads a CSV of events without ids as an admin, starts the import, kills the server with SIGKILL
 * once some chunks are committed and before the last, restarts it, and checks that the server
 * resumed the run to the end: every row exactly once, aggregates matching the events, integrity ok.
 */
async function csvImportKilledMidFile(port: number): Promise<void> {
  const began = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-crash-csv-'));
  const file = path.join(dir, 'trellis.db');
  const setup = await openMigratedSqlite(file);
  await upsertUser(setup, { email: ADMIN.email, role: 'admin', password: ADMIN.password }, { actor: 'crash-test' });
  await setup.close();
  const header = ['account', 'type', 'date', 'count'];
  const csv = [header.join(','), ...Array.from({ length: CSV_ROWS }, (_, n) =>
    `CSV-${n % 300},${TYPES[n % 4]},${new Date(Date.now() - ((n * 7919) % (60 * DAY))).toISOString()},${1 + (n % 3)}`)].join('\n');

  const base = `http://localhost:${port}`;
  const start = () => {
    const child = startServer({ port, databaseFile: file, env: { NEXTAUTH_SECRET: 'crash-test' } });
    return { child, exited: new Promise<void>((r) => child.once('exit', () => r())) };
  };
  let server = start();
  try {
    await waitForHealth(base);
    const cookie = await signInCookie(base, ADMIN.email, ADMIN.password);
    const call = async <T>(url: string, body: BodyInit, type: string): Promise<T> => {
      const res = await fetch(`${base}${url}`, { method: 'POST', headers: { cookie, 'content-type': type }, body });
      if (!res.ok) fail(`${url} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    };
    const { token } = await call<{ token: string }>('/api/app/imports?filename=events.csv', csv, 'text/csv');
    await call(`/api/app/imports/${token}/check`, JSON.stringify({ kind: 'events', mapping: guessMapping('events', header), extras: false, createAccounts: true }), 'application/json');
    for (let phase = 'checking'; phase === 'checking'; await new Promise((r) => setTimeout(r, 50))) {
      const res = await fetch(`${base}/api/app/imports/${token}`, { headers: { cookie } });
      phase = ((await res.json()) as { phase: string }).phase;
      if (phase !== 'checking' && phase !== 'checked') fail(`the check ended as ${phase}`);
    }
    await call(`/api/app/imports/${token}/run`, JSON.stringify({ skipInvalid: false }), 'application/json');
    for (;;) {
      const r = importRun(file);
      if (r && r.status !== 'running') fail(`the import ended (${r.status}) before it could be killed: make the file longer`);
      if (r && r.written > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  const killed = importRun(file)!;
  if (killed.status !== 'running' || killed.written >= CSV_ROWS) fail(`the kill came too late: ${JSON.stringify(killed)}`);
  console.log(`Killed the server with SIGKILL during a CSV import of ${CSV_ROWS} events, ${killed.written} rows committed.`);

  server = start();
  try {
    await waitForHealth(base);
    const by = Date.now() + 60_000;
    while (importRun(file)!.status === 'running') {
      if (Date.now() > by) fail('the restarted server did not finish the import within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  const after = importRun(file)!;
  if (after.status !== 'done' || after.written !== CSV_ROWS) fail(`after the restart the import is ${after.status} with ${after.written} rows written: ${after.message}`);
  const db = sqliteStore(file, { migrate: false });
  const { rows, ids } = (await db.get<{ rows: number; ids: number }>('SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM events'))!;
  if (rows !== CSV_ROWS || ids !== CSV_ROWS) fail(`expected ${CSV_ROWS} events once each, found ${rows} (${ids} distinct ids)`);
  const counted = await aggregatedEventCount(db);
  const summed = await db.value<number>('SELECT sum(count) FROM events');
  if (counted !== summed) fail(`after the resumed import the aggregates count ${counted} but the events sum to ${summed}`);
  const integrity = db.client.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') fail(`integrity_check after the resumed import: ${integrity}`);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`OK: the restarted server resumed the CSV import; ${CSV_ROWS} rows exactly once, aggregates consistent, integrity_check ok (${((Date.now() - began) / 1000).toFixed(1)} s).`);
}

run(async () => {
  const { values } = parseArgs({ options: { batches: { type: 'string', default: '60' }, 'batch-size': { type: 'string', default: '1000' }, 'kill-after': { type: 'string', default: '20' }, port: { type: 'string', default: '3950' }, 'publish-accounts': { type: 'string', default: '600' }, 'publish-only': { type: 'boolean', default: false } } });
  const batches = Number(values.batches);
  const size = Number(values['batch-size']);
  const killAfter = Number(values['kill-after']);
  const port = Number(values.port);
  if (values['publish-only']) {
    buildIfNeeded();
    await publishKilledMidway(port, Number(values['publish-accounts']));
    return;
  }
  const accounts = 200;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-crash-'));
  const file = path.join(dir, 'trellis.db');
  const setup = await openMigratedSqlite(file);
  const key = (await createApiKey(setup, { name: 'crash test', scope: 'ingest' }, { actor: 'crash-test' })).key;
  await setup.close();

  buildIfNeeded();
  const base = `http://localhost:${port}`;
  const send = (i: number) =>
    fetch(`${base}/api/v1/events?createAccounts=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch(i, size, accounts)),
    });

  const start = () => {
    const child = startServer({ port, databaseFile: file, env: { NEXTAUTH_SECRET: 'crash-test' } });
    // Listen for the exit at once: it may come before anyone awaits it.
    return { child, exited: new Promise<void>((r) => child.once('exit', () => r())) };
  };
  // Scores follow the events within about a second (the server's background rescore).
  const rescored = async (since: string) => {
    const by = Date.now() + 10_000;
    while (waitingForRescore(file) > 0) {
      if (Date.now() > by) fail(`${waitingForRescore(file)} accounts still wait for their rescore 10 s after ${since}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  let server = start();
  await waitForHealth(base);
  const acknowledged = new Set<number>();
  // Two batches in flight at once, so the kill lands while a write is under way.
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < batches && !killed) {
      const i = next++;
      try {
        const res = await send(i);
        if (res.ok) acknowledged.add(i);
      } catch {
        // the server died under this request: not acknowledged
      }
      if (acknowledged.size >= killAfter && !killed) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all([worker(), worker()]);
  await server.exited;
  console.log(`Killed the server with SIGKILL after ${acknowledged.size} acknowledged batches of ${size} (sent up to batch ${next}); ${waitingForRescore(file)} accounts left waiting for their rescore.`);

  server = start();
  try {
    await waitForHealth(base);
    const check = openDatabase(file, { readonly: true });
    const ids = new Set(check.$client.prepare("SELECT id FROM events WHERE id LIKE 'crash-%'").pluck().all() as string[]);
    check.$client.close();
    for (const i of acknowledged) {
      for (const e of batch(i, size, accounts)) if (!ids.has(e.id)) fail(`acknowledged event ${e.id} is missing after the crash`);
    }
    // Every batch is either entirely present or entirely absent.
    for (let i = 0; i < next; i++) {
      const present = batch(i, size, accounts).filter((e) => ids.has(e.id)).length;
      if (present !== 0 && present !== size) fail(`batch ${i} is half-written (${present} of ${size})`);
    }
    console.log(`After restart: all ${acknowledged.size} acknowledged batches present; no batch half-written.`);
    // Before any new request: the restarted server finishes the rescores the crash interrupted.
    await rescored('the restart');
    console.log('The restarted server rescored every account the crash left waiting, before any new request.');

    let duplicates = 0;
    for (let i = 0; i < batches; i++) {
      const res = await send(i);
      if (!res.ok) fail(`re-sending batch ${i} answered ${res.status}`);
      duplicates += ((await res.json()) as { duplicates: number }).duplicates;
    }
    console.log(`Re-sent all ${batches} batches with the same ids: ${duplicates} duplicates skipped.`);
    await rescored('the last batch');
    console.log('The server rescored every account the re-sent batches touched.');
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }

  const db = sqliteStore(file, { migrate: false });
  const total = await db.value<number>("SELECT count(*) FROM events WHERE id LIKE 'crash-%'");
  if (total !== batches * size) fail(`expected ${batches * size} events, found ${total}`);
  const counted = await aggregatedEventCount(db);
  const summed = await db.value<number>('SELECT sum(count) FROM events');
  if (counted !== summed) fail(`aggregates count ${counted} but the events sum to ${summed}`);
  const integrity = db.client.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') fail(`integrity_check: ${integrity}`);
  const snapshot = async () => JSON.stringify(await db.all('SELECT account_pk, score, band, velocity, flags FROM scores ORDER BY account_pk'));
  const before = await snapshot();
  await rescore(db);
  if ((await snapshot()) !== before) fail('a full rescore changed stored scores: they had drifted from the events');
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`OK: ${total} events exactly once, aggregates consistent, integrity_check ok, a full rescore changes nothing.`);

  await csvImportKilledMidFile(port);
  await publishKilledMidway(port, Number(values['publish-accounts']));
});

// ---------------------------------------------------------------- a publish killed mid-recompute

interface JobAnswer { id: string; state: string; progress: number; error: string | null; done: number; total: number; modelVersion: number | null }

async function publishKilledMidway(port: number, accounts: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-crash-publish-'));
  const file = path.join(dir, 'trellis.db');
  const setup = await openMigratedSqlite(file);
  // A year of history per account, so that the job takes some seconds and is caught part-way.
  await runSeed(setup, { accounts, months: 12, seed: 7, reset: false, volume: 0.1, aggregate: true, scores: true }, () => undefined);
  const key = (await createApiKey(setup, { name: 'crash test publish', scope: 'admin' }, { actor: 'crash-test' })).key;
  await setup.close();

  const base = `http://localhost:${port}`;
  const api = (pathname: string, init: RequestInit = {}) =>
    fetch(`${base}${pathname}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });
  const job = async (id: string) => (await (await api(`/api/v1/jobs/${id}`)).json()) as JobAnswer;
  const start = () => {
    const child = startServer({ port, databaseFile: file, env: { NEXTAUTH_SECRET: 'crash-test' } });
    return { child, exited: new Promise<void>((r) => child.once('exit', () => r())) };
  };

  let server = start();
  // A failed check exits at once: the server must not outlive this script.
  process.on('exit', () => server.child.kill('SIGKILL'));
  await waitForHealth(base);
  const live = (await (await api('/api/v1/model')).json()) as { version: number; model: { dimensions: { measures: { kind: string; points?: number }[] }[] } };
  // Logins and the other counts of the first dimension worth three times as much: most scores move.
  const model = { ...live.model, dimensions: live.model.dimensions.map((d, i) => (i === 0 ? { ...d, measures: d.measures.map((m) => (m.kind === 'count' ? { ...m, points: m.points! * 3 } : m)) } : d)) };
  const put = await api('/api/v1/model', { method: 'PUT', body: JSON.stringify({ model, note: 'crash test' }) });
  if (put.status !== 202) fail(`PUT /api/v1/model answered ${put.status}, expected 202: ${await put.text()}`);
  const published = (await put.json()) as { version: number; job: { id: string } };
  if (published.version !== live.version + 1) fail(`the new version is ${published.version}, expected ${live.version + 1}`);

  // Wait until the job is part-way; meanwhile the server must keep answering other requests.
  let midway: JobAnswer | null = null;
  let answeredMidway = 0;
  const seen: string[] = [];
  for (const by = Date.now() + 60_000; Date.now() < by;) {
    const state = await job(published.job.id);
    seen.push(`${state.state} ${state.progress.toFixed(2)} at ${Date.now() % 100_000}`);
    // queued: recorded, its first step not done yet.
    if (state.state !== 'running' && state.state !== 'queued') fail(`the publish job ended (${state.state}) before it could be killed part-way (seen: ${seen.join(', ')}); use a larger --publish-accounts`);
    if (state.progress > 0) {
      const [health, list] = await Promise.all([fetch(`${base}/api/health`), api('/api/v1/accounts?limit=5')]);
      if (!health.ok || !list.ok) fail(`while publishing, /api/health answered ${health.status} and the accounts list ${list.status}`);
      const after = await job(published.job.id);
      if (after.state === 'running' && after.progress < 1) {
        answeredMidway++;
        midway = after;
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!midway) fail('the publish job did not start within 60 s');
  server.child.kill('SIGKILL');
  await server.exited;
  const peek = openDatabase(file, { readonly: true });
  const left = peek.$client.prepare('SELECT status, done_items, total_items FROM jobs WHERE pk = ?').get(Number(published.job.id)) as { status: string; done_items: number; total_items: number };
  const oldScores = peek.$client.prepare('SELECT count(*) FROM scores WHERE model_version <> ?').pluck().get(published.version) as number;
  peek.$client.close();
  if (left.status !== 'running' || left.done_items >= left.total_items) fail(`after the kill the job is ${left.status} with ${left.done_items} of ${left.total_items} accounts: not part-way`);
  console.log(`Publish of version ${published.version}: /api/health and the accounts list answered while the job was at ${(midway.progress * 100).toFixed(0)}% (${answeredMidway} round of checks); killed with SIGKILL at ${left.done_items} of ${left.total_items} accounts, ${oldScores} scores still of the old model.`);

  server = start();
  try {
    await waitForHealth(base);
    let state = await job(published.job.id);
    for (const by = Date.now() + 120_000; (state.state === 'running' || state.state === 'queued') && Date.now() < by;) {
      await new Promise((r) => setTimeout(r, 200));
      state = await job(published.job.id);
    }
    if (state.state !== 'done' || state.progress !== 1) fail(`after the restart the job is ${state.state} at ${state.progress}: ${state.error ?? ''}`);
    console.log(`The restarted server resumed the publish job and finished it: ${state.done} of ${state.total} accounts.`);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }

  const db = sqliteStore(file, { migrate: false });
  const stale = await db.value<number>('SELECT count(*) FROM scores WHERE model_version <> ?', [published.version]);
  if (stale) fail(`${stale} current scores are still of an older model version`);
  const staleDays = await db.value<number>('SELECT count(*) FROM score_snapshots WHERE model_version <> ?', [published.version]);
  if (staleDays) fail(`${staleDays} daily snapshots are still of an older model version`);
  const current = async () => JSON.stringify(await db.all('SELECT account_pk, model_version, state, score, band, dimensions, velocity, flags FROM scores ORDER BY account_pk'));
  const history = async () => JSON.stringify(await db.all('SELECT account_pk, day, model_version, score, band, dimensions FROM score_snapshots ORDER BY account_pk, day'));
  const before = { current: await current(), history: await history() };
  await rescoreEverything(db);
  if ((await current()) !== before.current) fail('a fresh full rescore with the new model changed current scores: the resumed publish left some wrong');
  if ((await history()) !== before.history) fail('a fresh full rebuild of the daily history changed snapshots: the resumed publish left some wrong');
  const integrity = db.client.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') fail(`integrity_check: ${integrity}`);
  const n = await db.value<number>('SELECT count(*) FROM scores');
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`OK: the publish resumed after SIGKILL; all ${n} current scores and the daily history equal a fresh full rescore with version ${published.version}.`);
}
