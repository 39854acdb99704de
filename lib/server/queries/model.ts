import type { BandInfo } from '@/lib/bands';
import { DEFAULT_MODEL, modelSchema, type Model } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';

export interface ModelVersion {
  version: number;
  model: Model;
  author: string;
  note: string | null;
  rollbackOf: number | null;
  publishedAt: number;
}

interface VersionRow extends Omit<ModelVersion, 'model'> {
  model: string;
  /** the text's length as the database counts it */
  length: number;
}

const VERSION_COLUMNS = 'version, model, length(model) AS length, author, note, rollback_of AS rollbackOf, published_at AS publishedAt';

// Parsing a model is cheap but not free; versions never change once written. A version is known
// by its number, its publish time and its text's length, so that the databases one process may
// open (tests, db:copy) never share an entry unless the versions are the same.
const parsed = new Map<string, ModelVersion>();
const PARSED_LIMIT = 200;

const keyOf = (version: number, publishedAt: number, length: number) => `${version}@${publishedAt}:${length}`;

function toVersion(row: VersionRow): ModelVersion {
  const key = keyOf(row.version, row.publishedAt, row.length);
  const cached = parsed.get(key);
  if (cached) return cached;
  const { length: _length, ...rest } = row;
  const v = { ...rest, model: modelSchema.parse(JSON.parse(row.model)) };
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(key, v);
  return v;
}

/** The live model: the newest published version (publishing and rollback both append). */
export async function getLiveModel(db: Store): Promise<ModelVersion | null> {
  // One small read when the version is known already: the model's text is read only to parse it.
  const head = await db.get<{ version: number; publishedAt: number; length: number }>(
    'SELECT version, published_at AS publishedAt, length(model) AS length FROM model_versions ORDER BY version DESC LIMIT 1',
  );
  if (!head) return null;
  return parsed.get(keyOf(head.version, head.publishedAt, head.length)) ?? getModelVersion(db, head.version);
}

export async function getModelVersion(db: Store, version: number): Promise<ModelVersion | null> {
  const row = await db.get<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM model_versions WHERE version = ?`, [version]);
  return row ? toVersion(row) : null;
}

/** Every version with its model, newest first. */
export async function listModelVersionsWithModels(db: Store): Promise<ModelVersion[]> {
  return (await db.all<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM model_versions ORDER BY version DESC`)).map(toVersion);
}

export async function listModelVersions(db: Store): Promise<Omit<ModelVersion, 'model'>[]> {
  return db.all('SELECT version, author, note, rollback_of AS rollbackOf, published_at AS publishedAt FROM model_versions ORDER BY version DESC');
}

/** The live model's bands, top first (the default model's before anything is published). */
export async function liveBands(db: Store): Promise<BandInfo[]> {
  const bands = (await getLiveModel(db))?.model.bands ?? DEFAULT_MODEL.bands;
  return bands.map((b) => ({ key: b.key, label: b.label, min: b.min, action: b.action }));
}
