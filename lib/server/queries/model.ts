import { desc, eq } from 'drizzle-orm';
import type { DbLike } from '@/db/open';
import { modelVersions } from '@/db/schema';
import type { BandInfo } from '@/lib/bands';
import { DEFAULT_MODEL, modelSchema, type Model } from '@/lib/scoring';

export interface ModelVersion {
  version: number;
  model: Model;
  author: string;
  note: string | null;
  rollbackOf: number | null;
  publishedAt: number;
}

function toVersion(row: typeof modelVersions.$inferSelect): ModelVersion {
  return { ...row, model: modelSchema.parse(row.model) };
}

// Parsing a model is cheap but not free; versions never change once written.
const parsed = new Map<number, ModelVersion>();

/** The live model: the newest published version (publishing and rollback both append). */
export function getLiveModel(db: DbLike): ModelVersion | null {
  const row = db.select({ version: modelVersions.version }).from(modelVersions).orderBy(desc(modelVersions.version)).limit(1).get();
  return row ? getModelVersion(db, row.version) : null;
}

export function getModelVersion(db: DbLike, version: number): ModelVersion | null {
  const cached = parsed.get(version);
  if (cached) return cached;
  const row = db.select().from(modelVersions).where(eq(modelVersions.version, version)).get();
  if (!row) return null;
  const v = toVersion(row);
  parsed.set(version, v);
  return v;
}

export function listModelVersions(db: DbLike) {
  return db
    .select({ version: modelVersions.version, author: modelVersions.author, note: modelVersions.note, rollbackOf: modelVersions.rollbackOf, publishedAt: modelVersions.publishedAt })
    .from(modelVersions)
    .orderBy(desc(modelVersions.version))
    .all();
}

/** The live model's bands, top first (the default model's before anything is published). */
export function liveBands(db: DbLike): BandInfo[] {
  const bands = getLiveModel(db)?.model.bands ?? DEFAULT_MODEL.bands;
  return bands.map((b) => ({ key: b.key, label: b.label, min: b.min, action: b.action }));
}
