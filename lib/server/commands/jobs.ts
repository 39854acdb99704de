/**
 * Rows of the `jobs` table: long work (publishing a model recomputes every score and the daily
 * history) records its progress there so pages and the API can poll it.
 */
import type { jobs } from '@/db/schema';
import type { Store } from '@/lib/server/store';

export type Job = typeof jobs.$inferSelect;

const JOB_COLUMNS =
  'pk, kind, status, progress, message, model_version AS modelVersion, last_account_pk AS lastAccountPk, done_items AS doneItems, total_items AS totalItems, ' +
  'created_by_user_pk AS createdByUserPk, started_at AS startedAt, finished_at AS finishedAt';

export async function startJob(db: Store, kind: string, createdByUserPk: number | null, message = 'Starting', extra: { modelVersion?: number; totalItems?: number } = {}): Promise<number> {
  const pk = await db.value<number>(
    "INSERT INTO jobs (kind, status, progress, message, created_by_user_pk, started_at, model_version, total_items) VALUES (?, 'running', 0, ?, ?, ?, ?, ?) RETURNING pk",
    [kind, message, createdByUserPk, Date.now(), extra.modelVersion ?? null, extra.totalItems ?? 0],
  );
  return pk!;
}

/** progress is a fraction in [0, 1] */
export async function reportJob(db: Store, pk: number, progress: number, message: string): Promise<void> {
  await db.run('UPDATE jobs SET progress = ?, message = ? WHERE pk = ?', [Math.max(0, Math.min(1, progress)), message, pk]);
}

/** Ends a running job (one that has ended keeps how it ended); answers whether it did. */
export async function finishJob(db: Store, pk: number, message: string): Promise<boolean> {
  return (await db.run("UPDATE jobs SET status = 'done', progress = 1, message = ?, finished_at = ? WHERE pk = ? AND status = 'running'", [message, Date.now(), pk])).changes > 0;
}

/** Fails a running job (one that has ended keeps how it ended); answers whether it did. */
export async function failJob(db: Store, pk: number, message: string): Promise<boolean> {
  return (await db.run("UPDATE jobs SET status = 'failed', message = ?, finished_at = ? WHERE pk = ? AND status = 'running'", [message, Date.now(), pk])).changes > 0;
}

/** `forUpdate`: on PostgreSQL, lock the row until the caller's transaction ends (SQLite's write transaction already excludes others). */
export async function getJob(db: Store, pk: number, options: { forUpdate?: boolean } = {}): Promise<Job | null> {
  const lock = options.forUpdate && db.engine === 'postgres' ? ' FOR UPDATE' : '';
  return (await db.get<Job>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE pk = ?${lock}`, [pk])) ?? null;
}
