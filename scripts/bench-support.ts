/** What the benchmark scripts share: a seeded database kept between runs, timing, signing in. */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isPostgresUrl } from '@/db/postgres';
import type { Store } from '@/lib/server/store';
import { describeDatabase, openMigratedStore, UsageError } from './cli';
import { formatSummary, runSeed } from './seed';

export function positive(name: string, raw: string | undefined, fallback: number): number {
  const n = raw === undefined ? fallback : Number(raw);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

/** Accounts of a database that has its daily history built (0 when it has none). */
async function readyAccounts(db: Store): Promise<number> {
  const accounts = (await db.value<number>('SELECT count(*) FROM accounts')) ?? 0;
  const snapshots = await db.get('SELECT 1 FROM score_snapshots LIMIT 1');
  return snapshots ? accounts : 0;
}

/**
 * Opens `database` (a SQLite file, or a postgres:// URL), seeding it first (demo generator,
 * aggregates, scores, daily history) unless it already holds that many accounts with history:
 * seeding a large portfolio takes minutes, so the database is kept for the next run.
 */
export async function seededBenchDatabase(database: string, options: { accounts: number; months: number; volume: number }): Promise<Store> {
  const name = describeDatabase(database);
  if (!isPostgresUrl(database)) fs.mkdirSync(path.dirname(name), { recursive: true });
  const db = await openMigratedStore(database);
  if ((await readyAccounts(db)) >= options.accounts) {
    console.log(`Reusing ${name}`);
    return db;
  }
  console.log(`Seeding ${options.accounts} accounts x ${options.months} months into ${name} (kept for later runs)…`);
  const t0 = performance.now();
  const summary = await runSeed(db, { accounts: options.accounts, months: options.months, seed: 42, reset: true, volume: options.volume, aggregate: true, scores: true });
  console.log(formatSummary(summary));
  console.log(`  seeded, scored and history built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return db;
}

/**
 * The options the in-process benchmarks share (`--db` FILE or postgres:// URL, `--accounts`,
 * `--months`, `--volume`, `--runs`), parsed, and the seeded database they name.
 */
export async function benchDatabaseFromArgs(defaults: { file: string; runs: number; volume: number }): Promise<{ db: Store; runs: number }> {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, accounts: { type: 'string' }, months: { type: 'string' }, volume: { type: 'string' }, runs: { type: 'string' } },
  });
  const database = values.db ?? defaults.file;
  const accounts = Math.round(positive('accounts', values.accounts, 10_000));
  const months = Math.round(positive('months', values.months, 18));
  const runs = Math.round(positive('runs', values.runs, defaults.runs));
  return { db: await seededBenchDatabase(database, { accounts, months, volume: positive('volume', values.volume, defaults.volume) }), runs };
}

/** Runs `fn` once to warm up, then `runs` times; the times in milliseconds, sorted. */
export async function timeRuns(runs: number, fn: () => unknown): Promise<number[]> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

/** Signs in through next-auth's credentials endpoint; answers the cookie header of the session. */
export async function signInCookie(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('next-auth.session-token='));
  if (!session) throw new Error(`Sign-in failed (${res.status})`);
  return [...cookies, session].join('; ');
}

/** CPU seconds a process has used (Linux /proc; null elsewhere): robust to other load on the machine. */
export function cpuSeconds(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
