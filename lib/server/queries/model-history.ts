/** The version list of the model editor and the audit log: each version with what it changed. */
import type { DbLike } from '@/db/open';
import { describeChange, diffModels } from '@/lib/model/diff';
import { getModelVersion, listModelVersions } from './model';

export interface VersionEntry {
  version: number;
  author: string;
  note: string | null;
  rollbackOf: number | null;
  publishedAt: string;
  /** readable changes against the version before it (empty for the first) */
  changes: string[];
}

export function versionHistory(db: DbLike): VersionEntry[] {
  const rows = listModelVersions(db);
  return rows.map((row, i) => {
    const before = rows[i + 1] ? getModelVersion(db, rows[i + 1]!.version)?.model : undefined;
    const after = getModelVersion(db, row.version)?.model;
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
