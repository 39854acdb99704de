import type { Store } from '@/lib/server/store';
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

export async function listImportRuns(db: Store, limit = 20): Promise<ImportRunRow[]> {
  return (await db.all<RunDbRow>(`${SELECT} ORDER BY r.started_at DESC, r.pk DESC LIMIT ?`, [limit])).map(toRow);
}

export async function getImportRun(db: Store, pk: number): Promise<(ImportRunRow & { skipped: SkippedRow[]; truncated: boolean }) | null> {
  const r = await db.get<RunDbRow>(`${SELECT} WHERE r.pk = ?`, [pk]);
  if (!r) return null;
  const report = r.report ? (JSON.parse(r.report) as { skipped?: SkippedRow[]; truncated?: boolean }) : {};
  return { ...toRow(r), skipped: report.skipped ?? [], truncated: report.truncated ?? false };
}
