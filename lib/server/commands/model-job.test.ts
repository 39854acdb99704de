/**
 * Publishing a model in the background, on a real SQLite file: the job's steps, its progress, the
 * server's other work between steps, resuming after a crash, and a newer publish stopping an older one.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/db/open';
import { eventSchema } from '@/lib/ingest/schemas';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { createTempDb } from '@/lib/testing/temp-db';
import { getJobView, runningPublish } from '../queries/jobs';
import { listAccounts } from '../queries/accounts';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';
import { getJob } from './jobs';
import { insertModelVersion } from './model';
import { createPublishJob, publishStep, resumeInterruptedJobs, runPublishJob, startPublishJob } from './model-job';
import { rescoreEverything } from './rescore-all';

const DAY = 86_400_000;
const ACCOUNTS = 250;
const TYPES = ['product.login', 'meeting.held', 'email.exchanged', 'support.interaction'];

let db: Db;
let file: string;
let cleanup: () => void;

function seed(accounts: number) {
  const now = Date.now();
  const events = Array.from({ length: accounts * 6 }, (_, n) =>
    eventSchema.parse({ id: `e${n}`, accountId: `A${String(n % accounts).padStart(4, '0')}`, type: TYPES[n % TYPES.length], occurredAt: new Date(now - ((n * 7919) % (40 * DAY))).toISOString(), count: 1 + (n % 4) }));
  ingestEvents(db, events, { createAccounts: true });
  rescoreEverything(db);
}

/** a model that scores differently from the default: logins worth three times as much */
const changed = (factor = 3) => ({ ...DEFAULT_MODEL, dimensions: DEFAULT_MODEL.dimensions.map((d, i) => (i === 0 ? { ...d, measures: d.measures.map((m) => (m.kind === 'count' ? { ...m, points: m.points * factor } : m)) } : d)) });
const publish = (model: unknown) => insertModelVersion(db, { model, author: 'test' });
const scoreRows = () => db.$client.prepare('SELECT account_pk, model_version, score, band, dimensions FROM scores ORDER BY account_pk').all() as { model_version: number }[];
const snapshotRows = () => db.$client.prepare('SELECT account_pk, day, model_version, score, band FROM score_snapshots ORDER BY account_pk, day').all();
const versionsInScores = () => db.$client.prepare('SELECT DISTINCT model_version FROM scores ORDER BY 1').pluck().all();
const waitDone = (job: number) => vi.waitFor(() => expect(getJob(db, job)?.status).not.toBe('running'), { timeout: 60_000, interval: 20 });

/** what a full rescore of everything with the live model writes, for comparison */
function freshRescore() {
  rescoreEverything(db);
  return { scores: scoreRows(), snapshots: snapshotRows() };
}

beforeEach(() => {
  ({ db, file, cleanup } = createTempDb());
  prepareDatabase(db);
});
afterEach(() => cleanup());

describe('publishing a model as a background job', () => {
  it('answers before recomputing, then applies the version to every account and its history, in steps', async () => {
    seed(ACCOUNTS);
    const version = publish(changed());
    const { job, done } = startPublishJob(db, version, null);
    expect(done).toBe(false);
    // Nothing is recomputed within the caller's turn: the request answers first.
    expect(getJobView(db, String(job))).toMatchObject({ state: 'running', progress: 0, done: 0, total: ACCOUNTS, modelVersion: version, error: null });
    expect(versionsInScores()).toEqual([1]);
    await waitDone(job);
    expect(getJobView(db, String(job))).toMatchObject({ state: 'done', progress: 1, done: ACCOUNTS, total: ACCOUNTS, error: null });
    expect(versionsInScores()).toEqual([version]);
    const after = { scores: scoreRows(), snapshots: snapshotRows() };
    expect(after).toEqual(freshRescore());
  });

  it('lets other work run between its steps: reads answered while its progress is strictly between 0 and 1', async () => {
    seed(ACCOUNTS);
    const { job } = startPublishJob(db, publish(changed()), null);
    const seen: { progress: number; listed: number }[] = [];
    // A "request" queued on the event loop over and over, as the server's requests are.
    const ask = () => {
      const view = getJobView(db, String(job))!;
      if (view.state !== 'running') return;
      seen.push({ progress: view.progress, listed: listAccounts(db, { limit: 5 }).data.length });
      setImmediate(ask);
    };
    setImmediate(ask);
    await waitDone(job);
    const midway = seen.filter((s) => s.progress > 0 && s.progress < 1);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway.every((s) => s.listed === 5)).toBe(true);
  });

  it('shows, while it runs, which version is being applied and how far it is', () => {
    seed(ACCOUNTS);
    const version = publish(changed());
    const { job } = createPublishJob(db, version, null);
    expect(publishStep(db, job)).toBe(true);
    expect(runningPublish(db)).toEqual({ id: String(job), version, done: 25, total: ACCOUNTS });
    // Two versions' scores coexist, and the job says so.
    expect(versionsInScores()).toEqual([1, version]);
    expect(getJobView(db, String(job))).toMatchObject({ state: 'running', progress: 0.1, message: `Recomputing with version ${version}: 25 of 250 accounts` });
  });

  it('resumes where a killed server stopped, redoing nothing, and ends equal to a full rescore', async () => {
    seed(ACCOUNTS);
    const version = publish(changed());
    const { job } = createPublishJob(db, version, null);
    publishStep(db, job);
    publishStep(db, job);
    const position = getJob(db, job)!.lastAccountPk!;
    const rescored = vi.spyOn(await import('./scores'), 'rescore');
    // The process that ran it is gone: the next server start picks it up.
    expect(resumeInterruptedJobs(db)).toEqual([job]);
    await waitDone(job);
    expect(getJob(db, job)).toMatchObject({ status: 'done', doneItems: ACCOUNTS, progress: 1 });
    // Only the accounts after the recorded position were recomputed.
    const recomputed = rescored.mock.calls.flatMap(([, options]) => options?.accountPks ?? []);
    expect(recomputed.length).toBe(ACCOUNTS - 50);
    expect(Math.min(...recomputed)).toBeGreaterThan(position);
    rescored.mockRestore();
    expect(versionsInScores()).toEqual([version]);
    const after = { scores: scoreRows(), snapshots: snapshotRows() };
    expect(after).toEqual(freshRescore());
  });

  it('on start, fails the jobs it cannot resume with the reason, so none stays running', async () => {
    seed(20);
    const older = createPublishJob(db, publish(changed(2)), null).job;
    // A job of another kind left running, and a publish of a version no longer live.
    const other = Number(db.$client.prepare("INSERT INTO jobs (kind, status, progress, started_at) VALUES ('rescore', 'running', 0.5, 1) RETURNING pk").pluck().get());
    const liveVersion = publish(changed(4));
    const newest = createPublishJob(db, liveVersion, null).job;
    // (creating the newest stopped the older one; a crash can leave both marked running)
    db.$client.prepare("UPDATE jobs SET status = 'running', finished_at = NULL WHERE pk = ?").run(older);
    expect(resumeInterruptedJobs(db)).toEqual([newest]);
    expect(getJobView(db, String(older))).toMatchObject({ state: 'failed', error: `Stopped by a server restart; version ${liveVersion} is live and applied instead` });
    expect(getJobView(db, String(other))).toMatchObject({ state: 'failed', error: 'Interrupted: the server stopped while this job ran; start it again' });
    await waitDone(newest);
    expect(getJob(db, newest)!.status).toBe('done');
    expect(db.$client.prepare("SELECT count(*) FROM jobs WHERE status = 'running'").pluck().get()).toBe(0);
  });

  it('stops an older publish when a newer one starts: no scores of the older version are written after that', async () => {
    seed(ACCOUNTS);
    const v2 = publish(changed(2));
    const first = createPublishJob(db, v2, null).job;
    publishStep(db, first);
    const v3 = publish(changed(4));
    const second = startPublishJob(db, v3, null).job;
    expect(getJobView(db, String(first))).toMatchObject({ state: 'failed', error: expect.stringContaining(`version ${v3} was published`) });
    // The older job's loop, were it still going, does nothing more.
    expect(publishStep(db, first)).toBe(false);
    await runPublishJob(db, first);
    await waitDone(second);
    expect(getJob(db, second)!.status).toBe('done');
    expect(versionsInScores()).toEqual([v3]);
    expect(db.$client.prepare('SELECT count(*) FROM score_snapshots WHERE model_version = ?').pluck().get(v2)).toBe(0);
  });

  it('waits for another process holding the write lock past the busy timeout, instead of failing', async () => {
    seed(30);
    const version = publish(changed());
    const { job } = createPublishJob(db, version, null);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    // The lock is let go once the first step has given up waiting (the step blocks this thread).
    setTimeout(() => {
      other.exec('COMMIT');
      other.close();
    }, 100);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await runPublishJob(db, job);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    expect(getJob(db, job)).toMatchObject({ status: 'done', doneItems: 30 });
    expect(versionsInScores()).toEqual([version]);
  }, 30_000);

  it('is done at once when there is no account to recompute', () => {
    const { job, done } = startPublishJob(db, publish(changed()), null);
    expect(done).toBe(true);
    expect(getJobView(db, String(job))).toMatchObject({ state: 'done', progress: 1, error: null });
  });

  it('answers null for ids that name no job', () => {
    for (const id of ['999', '0', '-1', '1.5', 'abc', 'import-999', 'import-0', 'import-', '1e3', '9'.repeat(30)]) expect(getJobView(db, id)).toBeNull();
  });

  it('shows import runs under ids "import-N"', () => {
    const pk = Number(db.$client.prepare("INSERT INTO import_runs (kind, status, total_rows, written_rows, skipped_rows, started_at) VALUES ('events', 'running', 200, 50, 0, 1) RETURNING pk").pluck().get());
    expect(getJobView(db, `import-${pk}`)).toMatchObject({ id: `import-${pk}`, kind: 'import.events', state: 'running', progress: 0.25, error: null });
  });
});
