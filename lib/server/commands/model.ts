import type { Db, DbLike } from '@/db/open';
import { modelVersions } from '@/db/schema';
import { describeChange, diffModels } from '@/lib/model/diff';
import { DEFAULT_MODEL, validateModel } from '@/lib/scoring';
import { AppError } from '../errors';
import { getLiveModel, type ModelVersion } from '../queries/model';
import { recordAudit } from './audit';
import { rebuildHistory } from './history';
import { rescore } from './scores';

/** A fresh database scores with the default model of SCORING.md §3 as version 1. */
export function ensureLiveModel(db: DbLike): ModelVersion {
  const live = getLiveModel(db);
  if (live) return live;
  db.insert(modelVersions).values({ model: DEFAULT_MODEL, author: 'system', note: 'Default model (engagement-scoring framework)' }).run();
  return getLiveModel(db)!;
}

export interface PublishInput {
  model: unknown;
  note?: string | null;
  author: string;
  actorUserPk?: number | null;
  rollbackOf?: number | null;
  ip?: string | null;
}

function checkedModel(json: unknown) {
  const checked = validateModel(json);
  if (!checked.ok) {
    throw new AppError('invalid', `The model is not valid (${checked.errors.length} problem${checked.errors.length > 1 ? 's' : ''})`, checked.errors.map((e) => ({ path: e.path, message: e.message })));
  }
  return checked.model;
}

/** The audit entry of a version lists at most this many changed paths (the version list has them all). */
const AUDITED_CHANGES = 50;

/** Appends a validated version with its audit entry, in one transaction; answers its number. */
export function insertModelVersion(db: Db, input: PublishInput): number {
  const model = checkedModel(input.model);
  const before = getLiveModel(db)?.model;
  const changes = before ? diffModels(before, model).map(describeChange) : [];
  return db.transaction((tx) => {
    const row = tx
      .insert(modelVersions)
      .values({ model, author: input.author, note: input.note ?? null, rollbackOf: input.rollbackOf ?? null })
      .returning({ version: modelVersions.version })
      .get();
    recordAudit(tx, {
      actor: input.author,
      actorUserPk: input.actorUserPk ?? null,
      action: input.rollbackOf ? 'model.rollback' : 'model.published',
      targetType: 'model',
      targetId: String(row.version),
      details: {
        note: input.note ?? null,
        ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}),
        changes: changes.slice(0, AUDITED_CHANGES),
        ...(changes.length > AUDITED_CHANGES ? { moreChanges: changes.length - AUDITED_CHANGES } : {}),
      },
      ip: input.ip ?? null,
    });
    return row.version;
  });
}

/**
 * Publishes a new model version (validated; 400 with every problem otherwise), then rescores
 * current scores and rebuilds the daily history with it, all before returning: for command-line
 * tools and tests. A server publishes with `insertModelVersion` and a background job instead
 * (`startPublishJob` in model-job.ts). Bulk loaders that rescore a bounded history themselves
 * afterwards pass `rescore: false`.
 */
export function publishModel(db: Db, input: PublishInput, options: { onProgress?: (phase: string, done: number, total: number) => void; rescore?: boolean } = {}) {
  const version = insertModelVersion(db, input);
  if (options.rescore === false) return { version, accounts: 0, snapshots: 0 };
  const current = rescore(db, { onProgress: (d, t) => options.onProgress?.('scores', d, t) });
  const history = rebuildHistory(db, { onProgress: (d, t) => options.onProgress?.('history', d, t) });
  return { version, accounts: current.accounts, snapshots: history.snapshots };
}
