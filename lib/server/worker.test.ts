/**
 * The background work in its own process: a web process with TRELLIS_WORKER=off commits events
 * and leaves their accounts listed; `npm run worker` (a real process on the same SQLite file)
 * notices the commit and rescores them.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/open';
import { createTempDb } from '@/lib/testing/temp-db';
import { upsertAccounts } from './commands/accounts';
import { prepareDatabase } from './commands/catalogue';
import { ingestEvents } from './commands/events';
import { getJob } from './commands/jobs';
import { insertModelVersion } from './commands/model';
import { startPublishJob } from './commands/model-job';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { rescoreSoon } from './rescore-drainer';
import { backgroundWorkHere, watchCommits } from './worker';

let db: Db;
let file: string;
let cleanup: () => void;
const saved = process.env.TRELLIS_WORKER;

beforeEach(() => {
  ({ db, file, cleanup } = createTempDb());
  prepareDatabase(db);
  upsertAccounts(db, [{ id: 'W-1', name: 'Worker one' }]);
});
afterEach(() => {
  cleanup();
  if (saved === undefined) delete process.env.TRELLIS_WORKER;
  else process.env.TRELLIS_WORKER = saved;
});

const waiting = () => db.$client.prepare('SELECT count(*) FROM rescore_pending').pluck().get() as number;
const score = () => db.$client.prepare("SELECT s.score FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'W-1'").pluck().get() as number | null | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string | (() => string), read: () => T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
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

  it('a watcher hears commits of other connections, not of its own', async () => {
    const other = openDatabase(file);
    let heard = 0;
    const stop = watchCommits(db, () => heard++, 5);
    try {
      db.$client.prepare("UPDATE accounts SET name = 'own commit' WHERE id = 'W-1'").run();
      await sleep(60);
      expect(heard).toBe(0);
      other.$client.prepare("UPDATE accounts SET name = 'other commit' WHERE id = 'W-1'").run();
      await until('commits heard', () => heard, (n) => n === 1);
    } finally {
      stop();
      other.$client.close();
    }
  });

  it('a web process leaves new events to the worker process, which rescores them', async () => {
    process.env.TRELLIS_WORKER = 'off';
    ingestEvents(db, [{ accountId: 'W-1', type: 'meeting.held', occurredAt: Date.now() - 86_400_000, count: 3 }]);
    rescoreSoon(db);
    await sleep(300);
    expect(waiting()).toBe(1);
    expect(score() ?? null).toBeNull();

    const tsx = path.resolve('node_modules/.bin/tsx');
    const worker = spawn(tsx, ['scripts/worker.ts'], { env: { ...process.env, TRELLIS_WORKER: 'off', DATABASE_URL: `file:${file}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      // What was listed before it started, then what a later commit lists.
      await until(() => `rescored by the worker (it printed: ${output})`, waiting, (n) => n === 0);
      const first = score();
      expect(first).toBeGreaterThan(0);
      ingestEvents(db, [{ accountId: 'W-1', type: 'meeting.held', occurredAt: Date.now() - 86_400_000, count: 9 }]);
      expect(waiting()).toBe(1);
      await until('the later commit rescored', () => [waiting(), score()] as const, ([n, s]) => n === 0 && s !== first);

      // A publish recorded by the web process is run by the worker.
      const version = insertModelVersion(db, { model: DEFAULT_MODEL, note: 'republished', author: 'test' });
      const { job, done } = startPublishJob(db, version, null);
      expect(done).toBe(false);
      await sleep(200);
      const jobState = () => getJob(db, job)!;
      await until('the publish run by the worker', () => [jobState().status, jobState().doneItems] as const, ([status]) => status === 'done');
      expect(jobState().doneItems).toBe(1);
      expect(db.$client.prepare("SELECT s.model_version FROM scores s JOIN accounts a ON a.pk = s.account_pk WHERE a.id = 'W-1'").pluck().get()).toBe(version);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
