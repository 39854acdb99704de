/**
 * The record of each import (CSV or bulk): what was read, written and skipped, with the report.
 * While a run is under way its report names the process running it (`pid`) and, for a CSV import,
 * what it needs to go on after a restart (`resume`: the file, the settings and how far it got),
 * updated in the same transaction as each chunk of rows it writes.
 */
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

/** How far a resumable run got: rows before `next` (0-based data rows) are committed. */
export interface RunProgress {
  next: number;
  written: number;
  duplicates: number;
}

export interface RunningReport<Resume> {
  message: null;
  pid: number;
  skipped: SkippedRow[];
  truncated: boolean;
  resume: (Resume & RunProgress) | null;
}

export function startImportRun<Resume>(
  db: Db,
  input: { kind: ImportRunKind; filename: string | null; totalRows: number; userPk?: number | null; actor: string; skipped?: SkippedRow[]; resume?: Resume },
): number {
  const skipped = input.skipped ?? [];
  const report: RunningReport<Resume> = {
    message: null, pid: process.pid, skipped: skipped.slice(0, REPORT_LIMIT), truncated: skipped.length > REPORT_LIMIT,
    resume: input.resume ? { ...input.resume, next: 0, written: 0, duplicates: 0 } : null,
  };
  return db.transaction((tx) => {
    const pk = Number(
      db.$client
        .prepare('INSERT INTO import_runs (kind, filename, status, total_rows, skipped_rows, report, created_by_user_pk, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.kind, input.filename, 'running', input.totalRows, skipped.length, JSON.stringify(report), input.userPk ?? null, Date.now()).lastInsertRowid,
    );
    recordAudit(tx, { actor: input.actor, actorUserPk: input.userPk ?? null, action: 'import.started', targetType: 'import_run', targetId: String(pk), details: { kind: input.kind, filename: input.filename, rows: input.totalRows } });
    return pk;
  });
}


/**
 * Records how far a resumable run got; call it in the transaction that wrote the rows. `skipped`
 * (all skipped rows so far) is given only when it changed.
 */
export function recordRunProgress(db: Db, pk: number, progress: RunProgress, skipped?: { rows: SkippedRow[]; count: number }): void {
  const c = db.$client;
  c.prepare("UPDATE import_runs SET written_rows = ?, report = json_set(report, '$.resume.next', ?, '$.resume.written', ?, '$.resume.duplicates', ?) WHERE pk = ?")
    .run(progress.written, progress.next, progress.written, progress.duplicates, pk);
  if (skipped) {
    c.prepare("UPDATE import_runs SET skipped_rows = ?, report = json_set(report, '$.skipped', json(?), '$.truncated', json(?)) WHERE pk = ?")
      .run(skipped.count, JSON.stringify(skipped.rows.slice(0, REPORT_LIMIT)), JSON.stringify(skipped.count > REPORT_LIMIT), pk);
  }
}

/** A run this process takes over (after a restart): its report names this process from now on. */
export function claimImportRun(db: Db, pk: number): void {
  db.$client.prepare("UPDATE import_runs SET report = json_set(report, '$.pid', ?) WHERE pk = ? AND status = 'running'").run(process.pid, pk);
}

export interface RunningImport {
  pk: number;
  kind: ImportRunKind;
  filename: string | null;
  totalRows: number;
  writtenRows: number;
  skippedRows: number;
  report: Partial<RunningReport<unknown>> | null;
}

export function runningImports(db: Db): RunningImport[] {
  const rows = db.$client
    .prepare("SELECT pk, kind, filename, total_rows AS totalRows, written_rows AS writtenRows, skipped_rows AS skippedRows, report FROM import_runs WHERE status = 'running' ORDER BY pk")
    .all() as (Omit<RunningImport, 'report'> & { report: string | null })[];
  const parse = (report: string | null): RunningImport['report'] => {
    try {
      return report ? (JSON.parse(report) as RunningImport['report']) : null;
    } catch {
      return null; // unreadable: the run is treated as one that cannot go on
    }
  };
  return rows.map((r) => ({ ...r, report: parse(r.report) }));
}

export function finishImportRun(db: Db, pk: number, result: { status: 'done' | 'failed'; writtenRows: number; skipped: SkippedRow[]; skippedRows: number; message?: string }): void {
  const report = { message: result.message ?? null, skipped: result.skipped.slice(0, REPORT_LIMIT), truncated: result.skippedRows > REPORT_LIMIT };
  db.$client
    .prepare('UPDATE import_runs SET status = ?, written_rows = ?, skipped_rows = ?, report = ?, finished_at = ? WHERE pk = ?')
    .run(result.status, result.writtenRows, result.skippedRows, JSON.stringify(report), Date.now(), pk);
}
