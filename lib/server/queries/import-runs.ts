import type { Db } from '@/db/open';
import type { SkippedRow } from '../commands/import-runs';

export interface ImportRunRow {
  pk: number;
  kind: string;
  filename: string | null;
  status: 'running' | 'done' | 'failed';
  totalRows: number;
  writtenRows: number;
  skippedRows: number;
  startedAt: string;
  finishedAt: string | null;
  createdBy: string | null;
  message: string | null;
}

interface RunDbRow { pk: number; kind: string; filename: string | null; status: ImportRunRow['status']; total_rows: number; written_rows: number; skipped_rows: number; started_at: number; finished_at: number | null; created_by: string | null; report: string | null }

function toRow(r: RunDbRow): ImportRunRow {
  const report = r.report ? (JSON.parse(r.report) as { message?: string | null }) : null;
  return {
    pk: r.pk, kind: r.kind, filename: r.filename, status: r.status, totalRows: r.total_rows, writtenRows: r.written_rows, skippedRows: r.skipped_rows,
    startedAt: new Date(r.started_at).toISOString(), finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
    createdBy: r.created_by, message: report?.message ?? null,
  };
}

const SELECT = 'SELECT r.*, u.email AS created_by FROM import_runs r LEFT JOIN users u ON u.pk = r.created_by_user_pk';

export function listImportRuns(db: Db, limit = 20): ImportRunRow[] {
  return (db.$client.prepare(`${SELECT} ORDER BY r.started_at DESC, r.pk DESC LIMIT ?`).all(limit) as RunDbRow[]).map(toRow);
}

export function getImportRun(db: Db, pk: number): (ImportRunRow & { skipped: SkippedRow[]; truncated: boolean }) | null {
  const r = db.$client.prepare(`${SELECT} WHERE r.pk = ?`).get(pk) as RunDbRow | undefined;
  if (!r) return null;
  const report = r.report ? (JSON.parse(r.report) as { skipped?: SkippedRow[]; truncated?: boolean }) : {};
  return { ...toRow(r), skipped: report.skipped ?? [], truncated: report.truncated ?? false };
}
