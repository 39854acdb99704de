/**
 * One draft model per admin (table model_drafts). A draft may be invalid while it is edited: it
 * is stored as written and validated when previewed or published.
 */
import { eq } from 'drizzle-orm';
import type { DbLike } from '@/db/open';
import { modelDrafts } from '@/db/schema';

export interface ModelDraft {
  baseVersion: number | null;
  model: unknown;
  updatedAt: number;
}

export function getDraft(db: DbLike, userPk: number): ModelDraft | null {
  const row = db.select().from(modelDrafts).where(eq(modelDrafts.userPk, userPk)).get();
  return row ? { baseVersion: row.baseVersion, model: row.model, updatedAt: row.updatedAt } : null;
}

export function saveDraft(db: DbLike, userPk: number, baseVersion: number | null, model: unknown): void {
  const now = Date.now();
  db.insert(modelDrafts)
    .values({ userPk, baseVersion, model, updatedAt: now })
    .onConflictDoUpdate({ target: modelDrafts.userPk, set: { baseVersion, model, updatedAt: now } })
    .run();
}

export function discardDraft(db: DbLike, userPk: number): void {
  db.delete(modelDrafts).where(eq(modelDrafts.userPk, userPk)).run();
}
