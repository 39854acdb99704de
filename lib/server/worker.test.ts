/**
 * The background work in its own process: a web process with TRELLIS_WORKER=off commits events
 * and leaves their accounts listed; `npm run worker` (a real process on the same database: the
 * SQLite file, or the PostgreSQL database) notices the commit (on PostgreSQL, the web process's
 * announcement through the job queue) and rescores them.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/open';
import { describeEngines, type EngineTest } from '@/lib/testing/engines';
import { upsertAccounts } from './commands/accounts';
import { prepareDatabase } from './commands/catalogue';
import { ingestEvents } from './commands/events';
import { getJob } from './commands/jobs';
import { insertModelVersion } from './commands/model';
import { RESCORE_LEASE_MS } from './commands/rescore-pending';
import { startPublishJob } from './commands/model-job';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { rescoreSoon } from './rescore-drainer';
import { backgroundWorkHere, startWorker, stopWaitMs, watchCommits } from './worker';

const saved = process.env.TRELLIS_WORKER;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string | (() => string), read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${typeof what === 'string' ? what : what()}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('background work in its own process', () => {
  it('TRELLIS_WORKER=off is read from the environment; anything else keeps the work in process', () => {
    expect(backgroundWorkHere({ TRELLIS_WORKER: 'off' })).toBe(false);
    expect(backgroundWorkHere({ TRELLIS_WORKER: ' OFF ' })).toBe(false);
    expect(backgroundWorkHere({})).toBe(true);
    expect(backgroundWorkHere({ TRELLIS_WORKER: 'on' })).toBe(true);
  });

  it('TRELLIS_WORKER_STOP_WAIT_MS: how long a stopping worker waits for its jobs, checked', () => {
    expect(stopWaitMs({})).toBe(5_000);
    expect(stopWaitMs({ TRELLIS_WORKER_STOP_WAIT_MS: ' 250 ' })).toBe(250);
    expect(stopWaitMs({ TRELLIS_WORKER_STOP_WAIT_MS: '0' })).toBe(0);
    for (const bad of ['-1', '2.5', 'soon', '600001']) expect(() => stopWaitMs({ TRELLIS_WORKER_STOP_WAIT_MS: bad })).toThrow(`TRELLIS_WORKER_STOP_WAIT_MS must be a whole number of milliseconds from 0 to 600000, not "${bad}"`);
  });
});

describeEngines('background work in its own process', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    await upsertAccounts(t.store, [{ id: 'W-1', name: 'Worker one' }]);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TRELLIS_WORKER;
    else process.env.TRELLIS_WORKER = saved;
  });

  const waiting = async () => (await t.store.value<number>('SELECT count(*) FROM rescore_pending'))!;
  const score = () => t.store.value<number | null>("SELECT s.score FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'W-1'");

  it('a web process leaves new events to the worker process, which rescores them', async () => {
    process.env.TRELLIS_WORKER = 'off';
    await ingestEvents(t.store, [{ accountId: 'W-1', type: 'meeting.held', occurredAt: Date.now() - 86_400_000, count: 3 }]);
    rescoreSoon(t.store);
    await sleep(300);
    expect(await waiting()).toBe(1);
    expect((await score()) ?? null).toBeNull();

    const { worker, exited, output: seen } = workerProcess(t);
    try {
      // What was listed before it started, then what a later commit lists.
      await until(() => `rescored by the worker (it printed: ${seen()})`, waiting, (n) => n === 0);
      const first = await score();
      expect(first).toBeGreaterThan(0);
      // Its pass is logged; on SQLite with how long it waited for the file's write lock and held it.
      const pass = await until(() => `a rescore step logged (it printed: ${seen()})`, () => seen().split('\n').flatMap((line) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          return entry.msg === 'rescore step' ? [entry] : [];
        } catch {
          return [];
        }
      })[0], (entry) => entry !== undefined);
      expect(pass).toMatchObject({ job: 'rescore', accounts: 1 });
      if (t.engine === 'sqlite') expect(pass).toMatchObject({ lockWaitMs: expect.any(Number), lockHeldMs: expect.any(Number) });
      else expect(pass).not.toHaveProperty('lockWaitMs');
      await ingestEvents(t.store, [{ accountId: 'W-1', type: 'meeting.held', occurredAt: Date.now() - 86_400_000, count: 9 }]);
      expect(await waiting()).toBe(1);
      // as the API's ingest queue does after each commit: a no-op on SQLite (the worker watches the
      // file), an announcement through the job queue on PostgreSQL
      rescoreSoon(t.store);
      await until('the later commit rescored', async () => [await waiting(), await score()] as const, ([n, s]) => n === 0 && s !== first);

      // A publish recorded by the web process is run by the worker.
      const version = await insertModelVersion(t.store, { model: DEFAULT_MODEL, note: 'republished', author: 'test' });
      const { job, done } = await startPublishJob(t.store, version, null);
      expect(done).toBe(false);
      await sleep(200);
      const jobState = async () => (await getJob(t.store, job))!;
      await until('the publish run by the worker', async () => [(await jobState()).status, (await jobState()).doneItems] as const, ([status]) => status === 'done');
      expect((await jobState()).doneItems).toBe(1);
      expect(await t.store.value("SELECT s.model_version FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'W-1'")).toBe(version);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited, `the worker's exit code (it printed: ${seen().slice(-2000)})`).toBe(0);
  });
});

/** `npm run worker` on the test's database, as a real process; `env` adds to the environment. */
function workerProcess(t: EngineTest, env: Record<string, string> = {}) {
  const url = t.engine === 'sqlite' ? `file:${t.url}` : t.url;
  const worker = spawn(process.execPath, ['scripts/run-compiled.mjs', 'scripts/worker.ts'], { env: { ...process.env, TRELLIS_WORKER: 'off', DATABASE_URL: url, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
  return { worker, exited, output: () => output };
}

describeEngines('stopping a worker while a job of the queue runs', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    await upsertAccounts(t.store, [{ id: 'W-1', name: 'Worker one' }]);
  });

  // graphile-worker keeps one job per key: a job added while one runs replaces it, and the one
  // running is then never run again (its attempts set to the most allowed). Read outside the
  // blocker's transaction: PostgreSQL's activity view stays as it was at a transaction's first look.
  const historyJob = () => t.store.all<{ retried: boolean; locked: boolean; last_error: string | null }>("SELECT attempts < max_attempts AS retried, locked_at IS NOT NULL AS locked, last_error FROM graphile_worker.jobs WHERE task_identifier = 'history'");
  const handedBack = 'The worker stopped while this job ran; it is run again';

  /**
   * A worker whose history job waits on a row lock held by `blocker` (another connection): events
   * of three days ago leave the account's daily history stale, and the blocker holds the queued row.
   */
  async function blockedHistoryJob(env: Record<string, string>) {
    await ingestEvents(t.store, [{ accountId: 'W-1', type: 'meeting.held', occurredAt: Date.now() - 3 * 86_400_000, count: 2 }]);
    expect(await t.store.value('SELECT count(*) FROM history_stale')).toBe(1);
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM history_stale FOR UPDATE');
    const worker = workerProcess(t, env);
    const waitingOnLock = async () => Number(await t.store.value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"));
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    };
    try {
      await until(() => `the history job waiting on the lock (the worker printed: ${worker.output()})`, async () => [await historyJob(), await waitingOnLock()] as const, ([jobs, waiting]) => jobs.some((j) => j.locked) && waiting > 0);
    } catch (error) {
      worker.worker.kill('SIGKILL');
      await release();
      throw error;
    }
    return { worker, release };
  }

  it('hands a job still running after the wait back to the queue and exits with 0; the next worker does it', async () => {
    const { worker: first, release } = await blockedHistoryJob({ TRELLIS_WORKER_STOP_WAIT_MS: '300' });
    try {
      first.worker.kill('SIGTERM');
      // Closing the pool would wait for the blocked statement: the worker exits with its pool open.
      expect(await first.exited, `the worker's exit code (it printed: ${first.output().slice(-2000)})`).toBe(0);
      expect(first.output()).toContain('A job was still running when the worker stopped');
      // Handed back: unlocked, failed with the reason; a history job waits to be run by any worker
      // (the one handed back, or the one that replaced it).
      const jobs = await historyJob();
      expect(jobs.some((j) => j.last_error === handedBack), JSON.stringify(jobs)).toBe(true);
      expect(jobs.some((j) => j.locked), JSON.stringify(jobs)).toBe(false);
      expect(jobs.some((j) => j.retried), JSON.stringify(jobs)).toBe(true);
    } finally {
      first.worker.kill('SIGKILL');
      await release();
    }
    // The next worker runs it again (after its retry delay) and it ends: the history is rebuilt.
    const next = workerProcess(t);
    try {
      await until(() => `the history job done by the next worker (it printed: ${next.output()})`, async () => [await historyJob(), await t.store.value<number>('SELECT count(*) FROM history_stale')] as const, ([jobs, stale]) => stale === 0 && !jobs.some((j) => j.retried));
    } finally {
      next.worker.kill('SIGTERM');
    }
    expect(await next.exited, `the next worker's exit code (it printed: ${next.output().slice(-2000)})`).toBe(0);
  });

  it('records a job that ends while the worker stops as done before the pool closes', async () => {
    const { worker, release } = await blockedHistoryJob({ TRELLIS_WORKER_STOP_WAIT_MS: '20000' });
    try {
      worker.worker.kill('SIGTERM');
      await sleep(300);
      // The lock goes while the worker waits for its job: the job's step ends, and so does the job.
      await release();
      expect(await worker.exited, `the worker's exit code (it printed: ${worker.output().slice(-2000)})`).toBe(0);
      expect(worker.output()).not.toContain('A job was still running');
      expect(await t.store.value<number>('SELECT count(*) FROM history_stale')).toBe(0);
      // Its completion reached the database: no job is left locked, none failed.
      const jobs = await t.store.all<{ task: string; locked: boolean; last_error: string | null }>('SELECT task_identifier AS task, locked_at IS NOT NULL AS locked, last_error FROM graphile_worker.jobs');
      expect(jobs.filter((j) => j.locked || j.last_error !== null), JSON.stringify(jobs)).toEqual([]);
    } finally {
      worker.worker.kill('SIGKILL');
      await release();
    }
  });
}, { engines: ['postgres'] });

describeEngines('watching the SQLite file for commits', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    await upsertAccounts(t.store, [{ id: 'W-1', name: 'Worker one' }]);
  });

  it('a drainer that starts takes back at once what a killed one had claimed, instead of waiting for the lease', async () => {
    await ingestEvents(t.store, [{ accountId: 'W-1', type: 'meeting.held', occurredAt: Date.now() - 86_400_000, count: 3 }]);
    // As a drainer killed mid-chunk leaves it: the account claimed for the next 30 s, unscored.
    const claimedUntil = Date.now() + RESCORE_LEASE_MS;
    await t.store.run('UPDATE rescore_pending SET claimed_until = ?', [claimedUntil]);
    expect(await t.store.value('SELECT claimed_until FROM rescore_pending')).toBe(claimedUntil);
    const stop = startWorker(t.store);
    try {
      await until('accounts waiting', () => t.store.value<number>('SELECT count(*) FROM rescore_pending'), (n) => n === 0, 10_000);
      expect(await t.store.value("SELECT s.score FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'W-1'")).toBeTypeOf('number');
    } finally {
      await stop();
    }
  });

  it('a watcher hears commits of other connections, not of its own', async () => {
    const other = openDatabase(t.url);
    let heard = 0;
    const stop = watchCommits(t.store, () => heard++, 5);
    try {
      await t.store.run("UPDATE accounts SET name = 'own commit' WHERE id = 'W-1'");
      await sleep(60);
      expect(heard).toBe(0);
      other.$client.prepare("UPDATE accounts SET name = 'other commit' WHERE id = 'W-1'").run();
      await until('commits heard', () => heard, (n) => n === 1);
    } finally {
      stop();
      other.$client.close();
    }
  });
}, { engines: ['sqlite'] });
