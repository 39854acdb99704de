/**
 * One draft model per admin (table model_drafts). A draft may be invalid while it is edited: it
 * is stored as written and validated when previewed or published.
 */
import type { Store } from '@/lib/server/store';

export interface ModelDraft {
  baseVersion: number | null;
  model: unknown;
  updatedAt: number;
}

export async function getDraft(db: Store, userPk: number): Promise<ModelDraft | null> {
  const row = await db.get<{ baseVersion: number | null; model: string; updatedAt: number }>(
    'SELECT base_version AS baseVersion, model, updated_at AS updatedAt FROM model_drafts WHERE user_pk = ?',
    [userPk],
  );
  return row ? { baseVersion: row.baseVersion, model: JSON.parse(row.model) as unknown, updatedAt: row.updatedAt } : null;
}

export async function saveDraft(db: Store, userPk: number, baseVersion: number | null, model: unknown): Promise<void> {
  await db.run(
    'INSERT INTO model_drafts (user_pk, base_version, model, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_pk) DO UPDATE SET base_version = excluded.base_version, model = excluded.model, updated_at = excluded.updated_at',
    [userPk, baseVersion, JSON.stringify(model), Date.now()],
  );
}

export async function discardDraft(db: Store, userPk: number): Promise<void> {
  await db.run('DELETE FROM model_drafts WHERE user_pk = ?', [userPk]);
}
