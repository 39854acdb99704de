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
 * Loopback only; bounded in count and time. Exits non-zero when a guarantee is broken.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/open';
import { guessMapping } from '@/lib/ingest/csv';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { rescore } from '@/lib/server/commands/scores';
import { aggregatedEventCount } from '@/lib/server/queries/aggregate-reader';
import { upsertUser } from '@/lib/server/commands/users';
import { signInCookie } from './bench-support';
import { run } from './cli';
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
  const setup = prepareDatabase(openDatabase(file));
  await upsertUser(setup, { email: ADMIN.email, role: 'admin', password: ADMIN.password }, { actor: 'crash-test' });
  setup.$client.close();
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
  const db = openDatabase(file);
  const [rows, ids] = db.$client.prepare('SELECT count(*), count(DISTINCT id) FROM events').raw().get() as [number, number];
  if (rows !== CSV_ROWS || ids !== CSV_ROWS) fail(`expected ${CSV_ROWS} events once each, found ${rows} (${ids} distinct ids)`);
  const counted = aggregatedEventCount(db);
  const summed = db.$client.prepare('SELECT sum(count) FROM events').pluck().get() as number;
  if (counted !== summed) fail(`after the resumed import the aggregates count ${counted} but the events sum to ${summed}`);
  const integrity = db.$client.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') fail(`integrity_check after the resumed import: ${integrity}`);
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`OK: the restarted server resumed the CSV import; ${CSV_ROWS} rows exactly once, aggregates consistent, integrity_check ok (${((Date.now() - began) / 1000).toFixed(1)} s).`);
}

run(async () => {
  const { values } = parseArgs({ options: { batches: { type: 'string', default: '60' }, 'batch-size': { type: 'string', default: '1000' }, 'kill-after': { type: 'string', default: '20' }, port: { type: 'string', default: '3950' } } });
  const batches = Number(values.batches);
  const size = Number(values['batch-size']);
  const killAfter = Number(values['kill-after']);
  const port = Number(values.port);
  const accounts = 200;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-crash-'));
  const file = path.join(dir, 'trellis.db');
  const setup = prepareDatabase(openDatabase(file));
  const key = createApiKey(setup, { name: 'crash test', scope: 'ingest' }, { actor: 'crash-test' }).key;
  setup.$client.close();

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

  const db = openDatabase(file);
  const total = db.$client.prepare("SELECT count(*) FROM events WHERE id LIKE 'crash-%'").pluck().get() as number;
  if (total !== batches * size) fail(`expected ${batches * size} events, found ${total}`);
  const counted = aggregatedEventCount(db);
  const summed = db.$client.prepare('SELECT sum(count) FROM events').pluck().get() as number;
  if (counted !== summed) fail(`aggregates count ${counted} but the events sum to ${summed}`);
  const integrity = db.$client.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') fail(`integrity_check: ${integrity}`);
  const snapshot = () => JSON.stringify(db.$client.prepare('SELECT account_pk, score, band, velocity, flags FROM scores ORDER BY account_pk').all());
  const before = snapshot();
  rescore(db);
  if (snapshot() !== before) fail('a full rescore changed stored scores: they had drifted from the events');
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`OK: ${total} events exactly once, aggregates consistent, integrity_check ok, a full rescore changes nothing.`);

  await csvImportKilledMidFile(port);
});
