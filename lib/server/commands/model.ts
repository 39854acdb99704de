import { describeChange, diffModels } from '@/lib/model/diff';
import { DEFAULT_MODEL } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { getLiveModel, type ModelVersion } from '../queries/model';
import { checkedModel } from '../queries/model-check';
import { recordAudit } from './audit';
import { rebuildHistory } from './history';
import { rescore } from './scores';

/**
 * The live model; a fresh database scores with the default model of SCORING.md §3 as version 1.
 * Cheap: one small read once the version is known (its parsed model is kept, see getLiveModel).
 */
export async function ensureLiveModel(db: Store): Promise<ModelVersion> {
  const live = await getLiveModel(db);
  if (live) return live;
  return db.tx(async (tx) => {
    // Processes starting at once on an empty PostgreSQL database: one writes version 1, the
    // others wait for it and read it. (SQLite's write transaction already excludes the others.)
    if (tx.engine === 'postgres') await tx.run('LOCK TABLE model_versions IN SHARE ROW EXCLUSIVE MODE');
    const again = await getLiveModel(tx);
    if (again) return again;
    await tx.run('INSERT INTO model_versions (model, author, note) VALUES (?, ?, ?)', [JSON.stringify(DEFAULT_MODEL), 'system', 'Default model (engagement-scoring framework)']);
    return (await getLiveModel(tx))!;
  });
}

export interface PublishInput {
  model: unknown;
  note?: string | null;
  author: string;
  actorUserPk?: number | null;
  rollbackOf?: number | null;
  ip?: string | null;
}

/** The audit entry of a version lists at most this many changed paths (the version list has them all). */
const AUDITED_CHANGES = 50;

/**
 * Appends a validated version with its audit entry, in one transaction; answers its number. A model
 * reading a trigger key the catalogue does not have is refused (400, each such key by its path).
 */
export async function insertModelVersion(db: Store, input: PublishInput): Promise<number> {
  const model = await checkedModel(db, input.model);
  const before = (await getLiveModel(db))?.model;
  const changes = before ? diffModels(before, model).map(describeChange) : [];
  return db.tx(async (tx) => {
    const version = (await tx.value<number>('INSERT INTO model_versions (model, author, note, rollback_of) VALUES (?, ?, ?, ?) RETURNING version', [
      JSON.stringify(model),
      input.author,
      input.note ?? null,
      input.rollbackOf ?? null,
    ]))!;
    await recordAudit(tx, {
      actor: input.author,
      actorUserPk: input.actorUserPk ?? null,
      action: input.rollbackOf ? 'model.rollback' : 'model.published',
      targetType: 'model',
      targetId: String(version),
      details: {
        note: input.note ?? null,
        ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}),
        changes: changes.slice(0, AUDITED_CHANGES),
        ...(changes.length > AUDITED_CHANGES ? { moreChanges: changes.length - AUDITED_CHANGES } : {}),
      },
      ip: input.ip ?? null,
    });
    return version;
  });
}

/**
 * Publishes a new model version (validated; 400 with every problem otherwise), then rescores
 * current scores and rebuilds the daily history with it, all before returning: for command-line
 * tools and tests. A server publishes with `insertModelVersion` and a background job instead
 * (`startPublishJob` in model-job.ts). Bulk loaders that rescore a bounded history themselves
 * afterwards pass `rescore: false`.
 */
export async function publishModel(
  db: Store,
  input: PublishInput,
  options: { onProgress?: (phase: string, done: number, total: number) => void; rescore?: boolean } = {},
): Promise<{ version: number; accounts: number; snapshots: number }> {
  const version = await insertModelVersion(db, input);
  if (options.rescore === false) return { version, accounts: 0, snapshots: 0 };
  const current = await rescore(db, { onProgress: (d, t) => options.onProgress?.('scores', d, t) });
  const history = await rebuildHistory(db, { onProgress: (d, t) => options.onProgress?.('history', d, t) });
  return { version, accounts: current.accounts, snapshots: history.snapshots };
}
