/**
 * Publishing a model in the background, on both engines: the job's steps, its progress, the
 * server's other work between steps, resuming after a crash, and a newer publish stopping an older one.
 */
import Database from 'better-sqlite3';
import { beforeEach, expect, it, vi } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import { DEFAULT_MODEL } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { describeEngines, type EngineTest } from '@/lib/testing/engines';
import { logger } from '../log';
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

/** a model that scores differently from the default: logins worth three times as much */
const changed = (factor = 3) => ({ ...DEFAULT_MODEL, dimensions: DEFAULT_MODEL.dimensions.map((d, i) => (i === 0 ? { ...d, measures: d.measures.map((m) => (m.kind === 'count' ? { ...m, points: m.points * factor } : m)) } : d)) });

/** What every test here uses, on the test's store. */
function helpers(t: EngineTest) {
  const db = (): Store => t.store;
  return {
    async seed(accounts: number) {
      const now = Date.now();
      const events = Array.from({ length: accounts * 6 }, (_, n) =>
        eventSchema.parse({ id: `e${n}`, accountId: `A${String(n % accounts).padStart(4, '0')}`, type: TYPES[n % TYPES.length], occurredAt: new Date(now - ((n * 7919) % (40 * DAY))).toISOString(), count: 1 + (n % 4) }));
      await ingestEvents(db(), events, { createAccounts: true });
      await rescoreEverything(db());
    },
    publish: (model: unknown) => insertModelVersion(db(), { model, author: 'test' }),
    scoreRows: () => db().all<{ model_version: number }>('SELECT account_pk, model_version, score, band, dimensions FROM scores ORDER BY account_pk'),
    snapshotRows: () => db().all('SELECT account_pk, day, model_version, score, band FROM score_snapshots ORDER BY account_pk, day'),
    versionsInScores: () => db().column('SELECT DISTINCT model_version FROM scores ORDER BY 1'),
    waitDone: (job: number) => vi.waitFor(async () => expect((await getJob(db(), job))?.status).not.toBe('running'), { timeout: 60_000, interval: 20 }),
  };
}

describeEngines('publishing a model as a background job', (t) => {
  const { seed, publish, scoreRows, snapshotRows, versionsInScores, waitDone } = helpers(t);

  /** what a full rescore of everything with the live model writes, for comparison */
  async function freshRescore() {
    await rescoreEverything(t.store);
    return { scores: await scoreRows(), snapshots: await snapshotRows() };
  }

  beforeEach(async () => {
    await prepareDatabase(t.store);
  });

  it('answers before recomputing, then applies the version to every account and its history, in steps', async () => {
    await seed(ACCOUNTS);
    const version = await publish(changed());
    const { job, done } = await startPublishJob(t.store, version, null);
    expect(done).toBe(false);
    // Nothing is recomputed within the caller's turn: the request answers first.
    // Recorded, its first step not done yet: queued.
    expect(await getJobView(t.store, String(job))).toMatchObject({ state: 'queued', progress: 0, done: 0, total: ACCOUNTS, modelVersion: version, error: null });
    expect(await versionsInScores()).toEqual([1]);
    await waitDone(job);
    expect(await getJobView(t.store, String(job))).toMatchObject({ state: 'done', progress: 1, done: ACCOUNTS, total: ACCOUNTS, error: null });
    expect(await versionsInScores()).toEqual([version]);
    const after = { scores: await scoreRows(), snapshots: await snapshotRows() };
    expect(after).toEqual(await freshRescore());
  });

  it('lets other work run between its steps: reads answered while its progress is strictly between 0 and 1', async () => {
    await seed(ACCOUNTS);
    const { job } = await startPublishJob(t.store, await publish(changed()), null);
    const seen: { progress: number; listed: number }[] = [];
    // A "request" queued on the event loop over and over, as the server's requests are. The one
    // in flight when the job ends is awaited: none may outlive the test (and its store).
    let stopped = false;
    let asking: Promise<void> = Promise.resolve();
    const askLater = () => setImmediate(() => {
      if (!stopped) asking = ask();
    });
    const ask = async () => {
      const view = (await getJobView(t.store, String(job)))!;
      if (view.state === 'done' || view.state === 'failed') return;
      seen.push({ progress: view.progress, listed: (await listAccounts(t.store, { limit: 5 })).data.length });
      askLater();
    };
    askLater();
    await waitDone(job);
    stopped = true;
    await asking;
    const midway = seen.filter((s) => s.progress > 0 && s.progress < 1);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway.every((s) => s.listed === 5)).toBe(true);
  });

  it('shows, while it runs, which version is being applied and how far it is', async () => {
    await seed(ACCOUNTS);
    const version = await publish(changed());
    const { job } = await createPublishJob(t.store, version, null);
    expect(await publishStep(t.store, job)).toBe(true);
    expect(await runningPublish(t.store)).toEqual({ id: String(job), version, done: 25, total: ACCOUNTS });
    // Two versions' scores coexist, and the job says so.
    expect(await versionsInScores()).toEqual([1, version]);
    expect(await getJobView(t.store, String(job))).toMatchObject({ state: 'running', progress: 0.1, message: `Recomputing with version ${version}: 25 of 250 accounts` });
  });

  it('resumes where a killed server stopped, redoing nothing, and ends equal to a full rescore', async () => {
    await seed(ACCOUNTS);
    const version = await publish(changed());
    const { job } = await createPublishJob(t.store, version, null);
    await publishStep(t.store, job);
    await publishStep(t.store, job);
    const position = (await getJob(t.store, job))!.lastAccountPk!;
    const rescored = vi.spyOn(await import('./scores'), 'rescore');
    // The process that ran it is gone: the next server start picks it up.
    expect(await resumeInterruptedJobs(t.store)).toEqual([job]);
    await waitDone(job);
    expect(await getJob(t.store, job)).toMatchObject({ status: 'done', doneItems: ACCOUNTS, progress: 1 });
    // Only the accounts after the recorded position were recomputed.
    const recomputed = rescored.mock.calls.flatMap(([, options]) => options?.accountPks ?? []);
    expect(recomputed.length).toBe(ACCOUNTS - 50);
    expect(Math.min(...recomputed)).toBeGreaterThan(position);
    rescored.mockRestore();
    expect(await versionsInScores()).toEqual([version]);
    const after = { scores: await scoreRows(), snapshots: await snapshotRows() };
    expect(after).toEqual(await freshRescore());
  });

  it('on start, fails the jobs it cannot resume with the reason, so none stays running', async () => {
    await seed(20);
    const older = (await createPublishJob(t.store, await publish(changed(2)), null)).job;
    // A job of another kind left running, and a publish of a version no longer live.
    const other = Number(await t.store.value("INSERT INTO jobs (kind, status, progress, started_at) VALUES ('rescore', 'running', 0.5, 1) RETURNING pk"));
    const liveVersion = await publish(changed(4));
    const newest = (await createPublishJob(t.store, liveVersion, null)).job;
    // (creating the newest stopped the older one; a crash can leave both marked running)
    await t.store.run("UPDATE jobs SET status = 'running', finished_at = NULL WHERE pk = ?", [older]);
    expect(await resumeInterruptedJobs(t.store)).toEqual([newest]);
    expect(await getJobView(t.store, String(older))).toMatchObject({ state: 'failed', error: `Stopped by a server restart; version ${liveVersion} is live and applied instead` });
    expect(await getJobView(t.store, String(other))).toMatchObject({ state: 'failed', error: 'Interrupted: the server stopped while this job ran; start it again' });
    await waitDone(newest);
    expect((await getJob(t.store, newest))!.status).toBe('done');
    // (the churn-risk fit the publish records when it ends runs just after it)
    await vi.waitFor(async () => expect(await t.store.value("SELECT count(*) FROM jobs WHERE status = 'running'")).toBe(0), { timeout: 30_000, interval: 20 });
  });

  it('stops an older publish when a newer one starts: no scores of the older version are written after that', async () => {
    await seed(ACCOUNTS);
    const v2 = await publish(changed(2));
    const first = (await createPublishJob(t.store, v2, null)).job;
    await publishStep(t.store, first);
    const v3 = await publish(changed(4));
    const second = (await startPublishJob(t.store, v3, null)).job;
    expect(await getJobView(t.store, String(first))).toMatchObject({ state: 'failed', error: expect.stringContaining(`version ${v3} was published`) });
    // The older job's loop, were it still going, does nothing more.
    expect(await publishStep(t.store, first)).toBe(false);
    await runPublishJob(t.store, first);
    await waitDone(second);
    expect((await getJob(t.store, second))!.status).toBe('done');
    expect(await versionsInScores()).toEqual([v3]);
    expect(await t.store.value('SELECT count(*) FROM score_snapshots WHERE model_version = ?', [v2])).toBe(0);
  });

  it('is done at once when there is no account to recompute', async () => {
    const { job, done } = await startPublishJob(t.store, await publish(changed()), null);
    expect(done).toBe(true);
    expect(await getJobView(t.store, String(job))).toMatchObject({ state: 'done', progress: 1, error: null });
  });

  it('answers null for ids that name no job', async () => {
    for (const id of ['999', '0', '-1', '1.5', 'abc', 'import-999', 'import-0', 'import-', '1e3', '9'.repeat(30)]) expect(await getJobView(t.store, id)).toBeNull();
  });

  it('shows import runs under ids "import-N"', async () => {
    const pk = Number(await t.store.value("INSERT INTO import_runs (kind, status, total_rows, written_rows, skipped_rows, started_at) VALUES ('events', 'running', 200, 50, 0, 1) RETURNING pk"));
    expect(await getJobView(t.store, `import-${pk}`)).toMatchObject({ id: `import-${pk}`, kind: 'import.events', state: 'running', progress: 0.25, error: null });
  });
});

describeEngines('publishing a model beside another process on the SQLite file', (t) => {
  const { seed, publish, versionsInScores } = helpers(t);

  beforeEach(async () => {
    await prepareDatabase(t.store);
  });

  it('waits for another process holding the write lock past the busy timeout, instead of failing', async () => {
    await seed(30);
    const version = await publish(changed());
    const { job } = await createPublishJob(t.store, version, null);
    const other = new Database(t.url);
    other.exec('BEGIN IMMEDIATE');
    // The lock is let go once the first step has given up waiting (the step blocks this thread).
    setTimeout(() => {
      other.exec('COMMIT');
      other.close();
    }, 100);
    const errors = vi.spyOn(logger, 'error');
    await runPublishJob(t.store, job);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    expect(await getJob(t.store, job)).toMatchObject({ status: 'done', doneItems: 30 });
    expect(await versionsInScores()).toEqual([version]);
  }, 30_000);
}, { engines: ['sqlite'] });
