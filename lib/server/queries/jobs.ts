/**
 * Background jobs as the API shows them (`GET /api/v1/jobs/{id}`): publish jobs from the `jobs`
 * table (ids "12": a model published, or every score recomputed after a feature catalogue change),
 * CSV and bulk (OULAD) imports from `import_runs` (ids "import-3"), in one shape.
 */
import type { Store } from '@/lib/server/store';

export const PUBLISH_JOB_KIND = 'model.publish';

export interface JobView {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** a fraction in [0, 1] */
  progress: number;
  /** why it failed; null unless failed */
  error: string | null;
  message: string | null;
  /** a publish: the model version it applies */
  modelVersion: number | null;
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface JobRow { pk: number; kind: string; status: 'running' | 'done' | 'failed'; progress: number; last_account_pk: number | null; message: string | null; model_version: number | null; done_items: number; total_items: number; started_at: number; finished_at: number | null }
interface RunRow { pk: number; kind: string; status: 'running' | 'done' | 'failed'; total_rows: number; written_rows: number; skipped_rows: number; report: string | null; started_at: number; finished_at: number | null }

/** A job by its public id; null when there is none. */
export async function getJobView(db: Store, id: string): Promise<JobView | null> {
  const importRun = /^import-([1-9]\d{0,15})$/.exec(id);
  if (importRun) {
    const r = await db.get<RunRow>('SELECT * FROM import_runs WHERE pk = ?', [Number(importRun[1])]);
    if (!r) return null;
    const message = r.report ? ((JSON.parse(r.report) as { message?: string | null }).message ?? null) : null;
    const handled = r.written_rows + r.skipped_rows;
    return {
      id, kind: `import.${r.kind}`, state: r.status,
      progress: r.status === 'done' ? 1 : r.total_rows ? Math.min(1, handled / r.total_rows) : 0,
      error: r.status === 'failed' ? (message ?? 'The import failed') : null, message,
      modelVersion: null, done: handled, total: r.total_rows, startedAt: iso(r.started_at)!, finishedAt: iso(r.finished_at),
    };
  }
  if (!/^[1-9]\d{0,15}$/.test(id)) return null;
  const j = await db.get<JobRow>('SELECT * FROM jobs WHERE pk = ?', [Number(id)]);
  if (!j) return null;
  // A publish is recorded first and run in steps by whichever process takes it (this one, or a
  // worker): until its first step is done it is waiting, e.g. for a worker to start.
  const queued = j.status === 'running' && j.kind === PUBLISH_JOB_KIND && j.last_account_pk === null;
  return {
    id, kind: j.kind, state: queued ? 'queued' : j.status, progress: j.progress,
    error: j.status === 'failed' ? (j.message ?? 'The job failed') : null, message: j.message,
    modelVersion: j.model_version, done: j.done_items, total: j.total_items, startedAt: iso(j.started_at)!, finishedAt: iso(j.finished_at),
  };
}

/** The publish running now, if any: while it runs, accounts it has not reached keep the previous version's scores. */
export async function runningPublish(db: Store): Promise<{ id: string; version: number; done: number; total: number } | null> {
  const r = await db.get<{ pk: number; model_version: number | null; done_items: number; total_items: number }>(
    "SELECT pk, model_version, done_items, total_items FROM jobs WHERE kind = ? AND status = 'running' ORDER BY pk DESC LIMIT 1",
    [PUBLISH_JOB_KIND],
  );
  return r && r.model_version !== null ? { id: String(r.pk), version: r.model_version, done: r.done_items, total: r.total_items } : null;
}
