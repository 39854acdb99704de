/**
 * Publishing from the UI: the version is written at once, the recomputation runs as a job in the
 * background (in steps, see `publishModelInSteps`) and records its progress for the page to poll.
 */
import type { Db } from '@/db/open';
import { failJob, finishJob, reportJob, startJob } from './jobs';
import { publishModelInSteps } from './model';

export function startRecomputeJob(db: Db, version: number, userPk: number | null): number {
  const job = startJob(db, 'model.publish', userPk, `Recomputing scores and history with version ${version}`);
  void publishModelInSteps(db, version, (done, total) => reportJob(db, job, total ? done / total : 1, `Recomputed ${done.toLocaleString('en')} of ${total.toLocaleString('en')} accounts`))
    .then((r) => finishJob(db, job, `Version ${version} is live: ${r.accounts.toLocaleString('en')} accounts rescored, ${r.snapshots.toLocaleString('en')} daily snapshots rebuilt`))
    .catch((error: unknown) => {
      console.error('Model recompute failed', error);
      failJob(db, job, `Recomputing failed: ${(error as Error).message}`);
    });
  return job;
}
