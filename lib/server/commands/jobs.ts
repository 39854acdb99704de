/**
 * Rows of the `jobs` table: long work (publishing a model recomputes every score and the daily
 * history) records its progress there so pages and the API can poll it.
 */
import { eq } from 'drizzle-orm';
import type { DbLike } from '@/db/open';
import { jobs } from '@/db/schema';

export type Job = typeof jobs.$inferSelect;

export function startJob(db: DbLike, kind: string, createdByUserPk: number | null, message = 'Starting', extra: { modelVersion?: number; totalItems?: number } = {}): number {
  return db
    .insert(jobs)
    .values({ kind, status: 'running', progress: 0, message, createdByUserPk, startedAt: Date.now(), modelVersion: extra.modelVersion ?? null, totalItems: extra.totalItems ?? 0 })
    .returning({ pk: jobs.pk })
    .get().pk;
}

/** progress is a fraction in [0, 1] */
export function reportJob(db: DbLike, pk: number, progress: number, message: string): void {
  db.update(jobs).set({ progress: Math.max(0, Math.min(1, progress)), message }).where(eq(jobs.pk, pk)).run();
}

export function finishJob(db: DbLike, pk: number, message: string): void {
  db.update(jobs).set({ status: 'done', progress: 1, message, finishedAt: Date.now() }).where(eq(jobs.pk, pk)).run();
}

export function failJob(db: DbLike, pk: number, message: string): void {
  db.update(jobs).set({ status: 'failed', message, finishedAt: Date.now() }).where(eq(jobs.pk, pk)).run();
}

export function getJob(db: DbLike, pk: number): Job | null {
  return db.select().from(jobs).where(eq(jobs.pk, pk)).get() ?? null;
}
