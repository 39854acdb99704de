/** The record of each import (CSV or bulk): what was read, written and skipped, with the report. */
import type { Db } from '@/db/open';
import { recordAudit } from './audit';

export type ImportRunKind = 'accounts' | 'contacts' | 'events' | 'outcomes' | 'oulad';

export interface SkippedRow {
  row: number;
  field: string;
  message: string;
  values?: Record<string, string | undefined>;
}

/** Reports keep this many skipped rows; the count of all skipped rows is kept beside them. */
export const REPORT_LIMIT = 10_000;

export function startImportRun(db: Db, input: { kind: ImportRunKind; filename: string | null; totalRows: number; userPk?: number | null; actor: string }): number {
  return db.transaction((tx) => {
    const pk = Number(
      db.$client
        .prepare('INSERT INTO import_runs (kind, filename, status, total_rows, created_by_user_pk, started_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(input.kind, input.filename, 'running', input.totalRows, input.userPk ?? null, Date.now()).lastInsertRowid,
    );
    recordAudit(tx, { actor: input.actor, actorUserPk: input.userPk ?? null, action: 'import.started', targetType: 'import_run', targetId: String(pk), details: { kind: input.kind, filename: input.filename, rows: input.totalRows } });
    return pk;
  });
}

export function updateImportProgress(db: Db, pk: number, writtenRows: number): void {
  db.$client.prepare('UPDATE import_runs SET written_rows = ? WHERE pk = ?').run(writtenRows, pk);
}

export function finishImportRun(db: Db, pk: number, result: { status: 'done' | 'failed'; writtenRows: number; skipped: SkippedRow[]; skippedRows: number; message?: string }): void {
  const report = { message: result.message ?? null, skipped: result.skipped.slice(0, REPORT_LIMIT), truncated: result.skippedRows > REPORT_LIMIT };
  db.$client
    .prepare('UPDATE import_runs SET status = ?, written_rows = ?, skipped_rows = ?, report = ?, finished_at = ? WHERE pk = ?')
    .run(result.status, result.writtenRows, result.skippedRows, JSON.stringify(report), Date.now(), pk);
}
