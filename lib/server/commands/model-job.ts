/**
 * Publishing a model (from the editor, the catalogue pages or `PUT /api/v1/model`): the version is
 * written at once, and current scores and the daily history are recomputed by a job in the
 * background, a step of a few dozen accounts (in account order) at a time with a pause between
 * steps, so the server keeps answering while a large portfolio is rescored.
 *
 * Each step writes its scores, its snapshots and the job's position (the last account done) in one
 * transaction: a server killed mid-way resumes the job from that position when it starts again
 * (`resumeInterruptedJobs`), and redoes nothing it had committed. Until the job is done, accounts
 * after that position still show the previous version's scores; the job's progress says how far it
 * is (pages show it in their header, the API at `GET /api/v1/jobs/{id}`).
 *
 * Publishing again while a job runs stops the older one (marked failed, naming the newer version):
 * it never writes scores of a version that is no longer live.
 */
import type { Store } from '@/lib/server/store';
import { PUBLISH_JOB_KIND } from '../queries/jobs';
import { failJob, finishJob, getJob, startJob } from './jobs';
import { rebuildHistory } from './history';
import { ensureLiveModel } from './model';
import { recordRiskFit, RISK_JOB_KIND, runRiskJobs } from './risk';
import { rescore } from './scores';
import { logStep, logger } from '../log';
import { announce } from '../queue';
import { backgroundWorkHere, isBusyError, storeIsOpen } from '../worker-mode';

/**
 * Accounts recomputed per step (scores and a year of daily history each: a few hundred ms on a
 * busy machine). A request needs several turns of the event loop to be answered, so the steps are
 * short and a short pause follows each: the loop then runs freely and requests waiting finish.
 */
const STEP_ACCOUNTS = 25;
const PAUSE_MS = 10;
const BUSY_RETRIES = 30;
const BUSY_RETRY_MS = 1_000;
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, PAUSE_MS));

// On globalThis: route handlers, server actions and the scheduler may be bundled apart, each with
// its own copy of this module, and must still know which jobs this process is running.
const holder = globalThis as unknown as { trellisRunningJobs?: Set<number> };
const running = (holder.trellisRunningJobs ??= new Set());

const count = (n: number) => n.toLocaleString('en');

/** Stops the publish jobs still running (a newer version supersedes them), in the caller's transaction. */
async function supersedeRunning(db: Store, version: number): Promise<void> {
  const lock = db.engine === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await db.all<{ pk: number; model_version: number | null }>(`SELECT pk, model_version FROM jobs WHERE kind = ? AND status = 'running' ORDER BY pk${lock}`, [PUBLISH_JOB_KIND]);
  for (const r of rows) {
    await failJob(db, r.pk, `Stopped: version ${version} was published before version ${r.model_version ?? '?'} was applied to every account; version ${version} is being applied instead`);
  }
}

/** pg_advisory_xact_lock's keys for "recording a publish job": "TRJB", 0. */
const PUBLISH_LOCK = '1414678082, 0';

/**
 * Records the job applying `version` (already stored and live), stopping older ones, without
 * running it; `done` is true when there was nothing to recompute (no accounts).
 */
export async function createPublishJob(db: Store, version: number, userPk: number | null): Promise<{ job: number; done: boolean }> {
  const { job, total } = await db.tx(async (tx) => {
    // Two publishes recorded at once on PostgreSQL: the second waits and stops the first's job
    // (SQLite's write transaction already makes them take turns).
    if (tx.engine === 'postgres') await tx.run(`SELECT pg_advisory_xact_lock(${PUBLISH_LOCK})`);
    await supersedeRunning(tx, version);
    const total = (await tx.value<number>('SELECT count(*) FROM accounts'))!;
    return { job: await startJob(tx, PUBLISH_JOB_KIND, userPk, `Recomputing scores and history with version ${version}`, { modelVersion: version, totalItems: total }), total };
  });
  if (total === 0) {
    await finishJob(db, job, `Version ${version} is live: there are no accounts to rescore`);
    return { job, done: true };
  }
  return { job, done: false };
}

/**
 * Starts recomputing every account with `version` (already stored and live) and answers the job
 * at once: its first step runs after the caller's turn of the event loop (a request answers first).
 */
export async function startPublishJob(db: Store, version: number, userPk: number | null): Promise<{ job: number; done: boolean }> {
  const created = await createPublishJob(db, version, userPk);
  // Without the background work here (TRELLIS_WORKER=off) a worker process runs it
  // (`runOpenPublishJobs`): on PostgreSQL woken through the job queue, on SQLite by the commit.
  if (!created.done && backgroundWorkHere()) setImmediate(() => void runPublishJob(db, created.job));
  else if (!created.done) announce(db, 'publish');
  return created;
}

/**
 * Runs the publish job of the live version that no one in this process runs yet: one a web
 * process without the background work recorded, or one whose process died. Each step locks the
 * job and moves its position in one transaction, so two processes running the same job share
 * its accounts between them and never redo one.
 */
export async function runOpenPublishJobs(db: Store): Promise<number[]> {
  const open = await db.column<number>(
    "SELECT pk FROM jobs WHERE kind = ? AND status = 'running' AND model_version = (SELECT max(version) FROM model_versions) ORDER BY pk DESC LIMIT 1",
    [PUBLISH_JOB_KIND],
  );
  const started = open.filter((pk) => !running.has(pk));
  for (const pk of started) void runPublishJob(db, pk);
  return started;
}

/** The editor's and catalogue pages' form of `startPublishJob`: the job's pk. */
export async function startRecomputeJob(db: Store, version: number, userPk: number | null): Promise<number> {
  return (await startPublishJob(db, version, userPk)).job;
}

/**
 * Recomputes every score and the history with the live model, as a publish does: after a change of
 * what it reads besides its own JSON (the adoption measure reads the feature catalogue).
 */
export async function startLiveRecomputeJob(db: Store, userPk: number | null): Promise<number> {
  return startRecomputeJob(db, (await ensureLiveModel(db)).version, userPk);
}

/**
 * One step: the next accounts after the job's position, rescored and their history rebuilt, and
 * the position moved past them, in one transaction that holds the job (SQLite's write lock; on
 * PostgreSQL the job's row, locked first). Answers false when the job is no longer running
 * (finished, failed or superseded) or has just finished.
 */
export async function publishStep(db: Store, jobPk: number, stepAccounts = STEP_ACCOUNTS): Promise<boolean> {
  const clock = performance.now();
  const step = await db.tx(async (tx) => {
    const job = await getJob(tx, jobPk, { forUpdate: true });
    if (!job || job.status !== 'running') return null;
    const after = job.lastAccountPk ?? 0;
    const pks = await tx.column<number>('SELECT pk FROM accounts WHERE pk > ? ORDER BY pk LIMIT ?', [after, stepAccounts]);
    if (!pks.length) {
      await finishJob(tx, jobPk, `Version ${job.modelVersion} is live: ${count(job.doneItems)} accounts rescored and their daily history rebuilt`);
      // The history is the new version's now: the churn risk is fitted for it (with the finish, so never lost).
      await recordRiskFit(tx, job.createdByUserPk, `version ${job.modelVersion} published`);
      return { finished: true, version: job.modelVersion, accounts: 0, done: job.doneItems, total: job.doneItems };
    }
    await rescore(tx, { accountPks: pks });
    await rebuildHistory(tx, { accountPks: pks });
    const done = job.doneItems + pks.length;
    // Accounts created meanwhile are included (they come after the position), hence the bound.
    const total = Math.max(job.totalItems, done);
    await tx.run('UPDATE jobs SET last_account_pk = ?, done_items = ?, total_items = ?, progress = ?, message = ? WHERE pk = ?', [
      pks[pks.length - 1],
      done,
      total,
      Math.min(1, done / total),
      `Recomputing with version ${job.modelVersion}: ${count(done)} of ${count(total)} accounts`,
      jobPk,
    ]);
    return { finished: false, version: job.modelVersion, accounts: pks.length, done, total };
  });
  // Logged once committed: a step that rolled back is done again, and logged then.
  if (step) logStep('publish', clock, { id: jobPk, ...step });
  return step !== null && !step.finished;
}

/** Runs a publish job's steps until it is finished, stopped, or the store is closed. */
export async function runPublishJob(db: Store, jobPk: number): Promise<void> {
  if (running.has(jobPk)) return;
  running.add(jobPk);
  let busy = 0;
  try {
    for (;;) {
      // Closed (a shutdown, or a test finished): the job resumes from its position at the next start.
      if (!storeIsOpen(db)) return;
      let more: boolean;
      try {
        more = await publishStep(db, jobPk);
        busy = 0;
      } catch (error) {
        if (!storeIsOpen(db)) return;
        // Another process held the write lock past the busy timeout (e.g. `npm run rescore`), or
        // on PostgreSQL the step's transaction had to give way to another's (a deadlock): the
        // step is tried again a little later rather than the whole job given up.
        if (isBusyError(error) && ++busy <= BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
          continue;
        }
        logger.error({ err: error, job: 'publish', id: jobPk }, 'Recomputing scores with a published model failed');
        await failJob(db, jobPk, `Recomputing failed: ${(error as Error).message}`).catch((again: unknown) => logger.error({ err: again, job: 'publish', id: jobPk }, 'Could not record the failure of a publish job'));
        return;
      }
      if (!more) {
        // This process does the background work (it ran the publish): the fit recorded with the finish is done here.
        await runRiskJobs(db).catch((error: unknown) => logger.error({ err: error, job: 'risk' }, 'Fitting the churn risk after a publish failed'));
        return;
      }
      await nextTurn();
    }
  } finally {
    running.delete(jobPk);
  }
}

/**
 * On server start: a job left running by a process that died is resumed when it can be (the
 * newest publish, from its position), and marked failed with the reason otherwise, so that no job
 * stays "running" forever. Jobs this process runs itself are left alone.
 */
export async function resumeInterruptedJobs(db: Store): Promise<number[]> {
  const orphans = (await db.all<{ pk: number; kind: string; model_version: number | null }>("SELECT pk, kind, model_version FROM jobs WHERE status = 'running' ORDER BY pk")).filter(
    (j) => !running.has(j.pk),
  );
  const live = (await db.value<number | null>('SELECT max(version) FROM model_versions')) ?? null;
  const resumed: number[] = [];
  for (const j of orphans) {
    if (j.kind === PUBLISH_JOB_KIND && j.model_version !== null && j.model_version === live && j.pk === orphans.filter((o) => o.kind === PUBLISH_JOB_KIND).at(-1)?.pk) {
      resumed.push(j.pk);
    } else if (j.kind === PUBLISH_JOB_KIND) {
      await failJob(db, j.pk, `Stopped by a server restart; version ${live ?? '?'} is live and applied instead`);
    } else if (j.kind === RISK_JOB_KIND) {
      // A fit waiting is run by whichever process claims it; one claimed by a dead process times out (`runRiskJobs`).
      continue;
    } else {
      await failJob(db, j.pk, 'Interrupted: the server stopped while this job ran; start it again');
    }
  }
  for (const pk of resumed) {
    logger.info({ job: 'publish', id: pk }, `Resuming the recompute of job ${pk} where the previous server stopped`);
    void runPublishJob(db, pk);
  }
  return resumed;
}
