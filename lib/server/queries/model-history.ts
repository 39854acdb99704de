/** The version list of the model editor and the audit log: each version with what it changed. */
import { describeChange, diffModels } from '@/lib/model/diff';
import type { Store } from '@/lib/server/store';
import { listModelVersionsWithModels } from './model';

export interface VersionEntry {
  version: number;
  author: string;
  note: string | null;
  rollbackOf: number | null;
  publishedAt: string;
  /** readable changes against the version before it (empty for the first) */
  changes: string[];
}

export async function versionHistory(db: Store): Promise<VersionEntry[]> {
  const rows = await listModelVersionsWithModels(db);
  return rows.map((row, i) => {
    const before = rows[i + 1]?.model;
    const after = row.model;
    return {
      version: row.version,
      author: row.author,
      note: row.note,
      rollbackOf: row.rollbackOf,
      publishedAt: new Date(row.publishedAt).toISOString(),
      changes: before && after ? diffModels(before, after).map(describeChange) : [],
    };
  });
}
