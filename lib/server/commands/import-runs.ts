/**
 * The record of each import (CSV or bulk): what was read, written and skipped, with the report.
 * While a run is under way its report names the process running it (`pid`, on `host`) and, for a CSV import,
 * what it needs to go on after a restart (`resume`: the file, the settings and how far it got),
 * updated in the same transaction as each chunk of rows it writes.
 */
import os from 'node:os';
import type { Store } from '@/lib/server/store';
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
  /** the machine `pid` runs on (several may share a PostgreSQL database) */
  host: string;
  skipped: SkippedRow[];
  truncated: boolean;
  resume: (Resume & RunProgress) | null;
}

export async function startImportRun<Resume>(
  db: Store,
  input: { kind: ImportRunKind; filename: string | null; totalRows: number; userPk?: number | null; actor: string; skipped?: SkippedRow[]; resume?: Resume },
): Promise<number> {
  const skipped = input.skipped ?? [];
  const report: RunningReport<Resume> = {
    message: null, pid: process.pid, host: os.hostname(), skipped: skipped.slice(0, REPORT_LIMIT), truncated: skipped.length > REPORT_LIMIT,
    resume: input.resume ? { ...input.resume, next: 0, written: 0, duplicates: 0 } : null,
  };
  return db.tx(async (tx) => {
    const pk = (await tx.value<number>(
      'INSERT INTO import_runs (kind, filename, status, total_rows, skipped_rows, report, created_by_user_pk, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk',
      [input.kind, input.filename, 'running', input.totalRows, skipped.length, JSON.stringify(report), input.userPk ?? null, Date.now()],
    ))!;
    await recordAudit(tx, { actor: input.actor, actorUserPk: input.userPk ?? null, action: 'import.started', targetType: 'import_run', targetId: String(pk), details: { kind: input.kind, filename: input.filename, rows: input.totalRows } });
    return pk;
  });
}

/**
 * Changes a run's report: read, changed by `change` (false: leave the run as it is), written back;
 * on PostgreSQL the row is locked meanwhile. False when the run was left as it is.
 */
async function updateReport(db: Store, pk: number, change: (report: Record<string, unknown> | null) => boolean | void, set = '', params: (string | number)[] = [], where = ''): Promise<boolean> {
  const update = async (tx: Store) => {
    const lock = tx.engine === 'postgres' ? ' FOR UPDATE' : '';
    const text = await tx.value<string | null>(`SELECT report FROM import_runs WHERE pk = ?${where}${lock}`, [pk]);
    if (text === undefined) return false;
    const report = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    if (change(report) === false) return false;
    await tx.run(`UPDATE import_runs SET ${set}report = ? WHERE pk = ?`, [...params, report ? JSON.stringify(report) : null, pk]);
    return true;
  };
  return db.inTransaction ? update(db) : db.tx(update);
}

/**
 * Records how far a resumable run got; call it in the transaction that wrote the rows. `skipped`
 * (all skipped rows so far) is given only when it changed.
 */
export async function recordRunProgress(db: Store, pk: number, progress: RunProgress, skipped?: { rows: SkippedRow[]; count: number }): Promise<void> {
  const set = skipped ? 'written_rows = ?, skipped_rows = ?, ' : 'written_rows = ?, ';
  await updateReport(db, pk, (report) => {
    if (!report) return;
    const resume = report.resume as Record<string, unknown> | null | undefined;
    if (resume && typeof resume === 'object') Object.assign(resume, { next: progress.next, written: progress.written, duplicates: progress.duplicates });
    if (skipped) Object.assign(report, { skipped: skipped.rows.slice(0, REPORT_LIMIT), truncated: skipped.count > REPORT_LIMIT });
  }, set, skipped ? [progress.written, skipped.count] : [progress.written]);
}

/**
 * A run this process takes over (after a restart): its report names this process from now on.
 * `from`: the process its report named when it was read; false when another process has taken
 * it over since (several starting at once), or it is no longer running.
 */
export async function claimImportRun(db: Store, pk: number, from?: number): Promise<boolean> {
  return updateReport(db, pk, (report) => {
    if (!report || (from !== undefined && report.pid !== from)) return false;
    Object.assign(report, { pid: process.pid, host: os.hostname() });
  }, '', [], " AND status = 'running'");
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

export async function runningImports(db: Store): Promise<RunningImport[]> {
  const rows = await db.all<Omit<RunningImport, 'report'> & { report: string | null }>(
    "SELECT pk, kind, filename, total_rows AS totalRows, written_rows AS writtenRows, skipped_rows AS skippedRows, report FROM import_runs WHERE status = 'running' ORDER BY pk",
  );
  const parse = (report: string | null): RunningImport['report'] => {
    try {
      return report ? (JSON.parse(report) as RunningImport['report']) : null;
    } catch {
      return null; // unreadable: the run is treated as one that cannot go on
    }
  };
  return rows.map((r) => ({ ...r, report: parse(r.report) }));
}

export async function finishImportRun(db: Store, pk: number, result: { status: 'done' | 'failed'; writtenRows: number; skipped: SkippedRow[]; skippedRows: number; message?: string }): Promise<void> {
  const report = { message: result.message ?? null, skipped: result.skipped.slice(0, REPORT_LIMIT), truncated: result.skippedRows > REPORT_LIMIT };
  await db.run('UPDATE import_runs SET status = ?, written_rows = ?, skipped_rows = ?, report = ?, finished_at = ? WHERE pk = ?', [
    result.status, result.writtenRows, result.skippedRows, JSON.stringify(report), Date.now(), pk,
  ]);
}
