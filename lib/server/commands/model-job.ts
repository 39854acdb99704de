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
import type { Db } from '@/db/open';
import { PUBLISH_JOB_KIND } from '../queries/jobs';
import { failJob, finishJob, getJob, startJob } from './jobs';
import { rebuildHistory } from './history';
import { rescore } from './scores';
import { backgroundWorkHere } from '../worker-mode';

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
function supersedeRunning(db: Db, version: number): void {
  const rows = db.$client.prepare("SELECT pk, model_version FROM jobs WHERE kind = ? AND status = 'running'").all(PUBLISH_JOB_KIND) as { pk: number; model_version: number | null }[];
  for (const r of rows) {
    failJob(db, r.pk, `Stopped: version ${version} was published before version ${r.model_version ?? '?'} was applied to every account; version ${version} is being applied instead`);
  }
}

/**
 * Records the job applying `version` (already stored and live), stopping older ones, without
 * running it; `done` is true when there was nothing to recompute (no accounts).
 */
export function createPublishJob(db: Db, version: number, userPk: number | null): { job: number; done: boolean } {
  const { job, total } = db.$client
    .transaction(() => {
      supersedeRunning(db, version);
      const total = db.$client.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
      return { job: startJob(db, PUBLISH_JOB_KIND, userPk, `Recomputing scores and history with version ${version}`, { modelVersion: version, totalItems: total }), total };
    })
    .immediate();
  if (total === 0) {
    finishJob(db, job, `Version ${version} is live: there are no accounts to rescore`);
    return { job, done: true };
  }
  return { job, done: false };
}

/**
 * Starts recomputing every account with `version` (already stored and live) and answers the job
 * at once: its first step runs after the caller's turn of the event loop (a request answers first).
 */
export function startPublishJob(db: Db, version: number, userPk: number | null): { job: number; done: boolean } {
  const created = createPublishJob(db, version, userPk);
  // Without the background work here (TRELLIS_WORKER=off) the worker process runs it (`runOpenPublishJobs`).
  if (!created.done && backgroundWorkHere()) setImmediate(() => void runPublishJob(db, created.job));
  return created;
}

/**
 * Runs the publish job of the live version that no one in this process runs yet: one a web
 * process without the background work recorded, or one whose process died. Steps read and move
 * the job's position under the write lock, so two processes running the same job share its
 * accounts between them and never redo one.
 */
export function runOpenPublishJobs(db: Db): number[] {
  const live = db.$client.prepare('SELECT max(version) FROM model_versions').pluck().get() as number | null;
  const open = db.$client
    .prepare("SELECT pk FROM jobs WHERE kind = ? AND status = 'running' AND model_version = ? ORDER BY pk DESC LIMIT 1")
    .pluck()
    .all(PUBLISH_JOB_KIND, live) as number[];
  const started = open.filter((pk) => !running.has(pk));
  for (const pk of started) void runPublishJob(db, pk);
  return started;
}

/** The editor's and catalogue pages' form of `startPublishJob`: the job's pk. */
export function startRecomputeJob(db: Db, version: number, userPk: number | null): number {
  return startPublishJob(db, version, userPk).job;
}

/**
 * One step: the next accounts after the job's position, rescored and their history rebuilt, and
 * the position moved past them, in one transaction. Answers false when the job is no longer
 * running (finished, failed or superseded) or has just finished.
 */
export function publishStep(db: Db, jobPk: number, stepAccounts = STEP_ACCOUNTS): boolean {
  return db.$client
    .transaction(() => {
      const job = getJob(db, jobPk);
      if (!job || job.status !== 'running') return false;
      const after = job.lastAccountPk ?? 0;
      const pks = db.$client.prepare('SELECT pk FROM accounts WHERE pk > ? ORDER BY pk LIMIT ?').pluck().all(after, stepAccounts) as number[];
      if (!pks.length) {
        finishJob(db, jobPk, `Version ${job.modelVersion} is live: ${count(job.doneItems)} accounts rescored and their daily history rebuilt`);
        return false;
      }
      rescore(db, { accountPks: pks });
      rebuildHistory(db, { accountPks: pks });
      const done = job.doneItems + pks.length;
      // Accounts created meanwhile are included (they come after the position), hence the bound.
      const total = Math.max(job.totalItems, done);
      db.$client
        .prepare('UPDATE jobs SET last_account_pk = ?, done_items = ?, total_items = ?, progress = ?, message = ? WHERE pk = ?')
        .run(pks[pks.length - 1], done, total, Math.min(1, done / total), `Recomputing with version ${job.modelVersion}: ${count(done)} of ${count(total)} accounts`, jobPk);
      return true;
    })
    .immediate();
}

/** Runs a publish job's steps until it is finished, stopped, or the database is closed. */
export async function runPublishJob(db: Db, jobPk: number): Promise<void> {
  if (running.has(jobPk)) return;
  running.add(jobPk);
  let busy = 0;
  try {
    for (;;) {
      // Closed (a shutdown, or a test finished): the job resumes from its position at the next start.
      if (!db.$client.open) return;
      let more: boolean;
      try {
        more = publishStep(db, jobPk);
        busy = 0;
      } catch (error) {
        if (!db.$client.open) return;
        // Another process held the write lock past the busy timeout (e.g. `npm run rescore`):
        // the step is tried again a little later rather than the whole job given up.
        if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') && ++busy <= BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
          continue;
        }
        console.error('Recomputing scores with a published model failed', error);
        failJob(db, jobPk, `Recomputing failed: ${(error as Error).message}`);
        return;
      }
      if (!more) return;
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
export function resumeInterruptedJobs(db: Db): number[] {
  const orphans = (db.$client.prepare("SELECT pk, kind, model_version FROM jobs WHERE status = 'running' ORDER BY pk").all() as { pk: number; kind: string; model_version: number | null }[])
    .filter((j) => !running.has(j.pk));
  const live = db.$client.prepare('SELECT max(version) FROM model_versions').pluck().get() as number | null;
  const resumed: number[] = [];
  for (const j of orphans) {
    if (j.kind === PUBLISH_JOB_KIND && j.model_version !== null && j.model_version === live && j.pk === orphans.filter((o) => o.kind === PUBLISH_JOB_KIND).at(-1)?.pk) {
      resumed.push(j.pk);
    } else if (j.kind === PUBLISH_JOB_KIND) {
      failJob(db, j.pk, `Stopped by a server restart; version ${live ?? '?'} is live and applied instead`);
    } else {
      failJob(db, j.pk, 'Interrupted: the server stopped while this job ran; start it again');
    }
  }
  for (const pk of resumed) {
    console.log(`Resuming the recompute of job ${pk} where the previous server stopped`);
    void runPublishJob(db, pk);
  }
  return resumed;
}
