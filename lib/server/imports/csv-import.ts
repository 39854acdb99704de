/**
 * A CSV import as the admin page drives it: upload (the file is kept beside the database), check
 * the whole file (every row through the same schemas and reference checks as the REST API,
 * nothing written), then import in chunks of rows through the same commands, skipping the bad
 * rows only when the admin chose to. Progress is kept in memory for the page to poll; the run
 * and its report of skipped rows are stored in `import_runs`.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '@/db/open';
import { checkRow, mappingProblems, sheetRow, type ImportKind, type Mapping } from '@/lib/ingest/csv';
import type { AccountInput, ContactInput, EventInput, ItemError, OutcomeInput } from '@/lib/ingest/schemas';
import { AppError } from '../errors';
import { checkContacts, checkOutcomes, insertOutcomes, upsertAccounts, upsertContacts } from '../commands/accounts';
import { checkEvents, ingestEvents } from '../commands/events';
import { finishImportRun, startImportRun, updateImportProgress, type SkippedRow } from '../commands/import-runs';
import { rescoreSoon } from '../rescore-drainer';
import { csvChunks, type CsvRow } from './csv-reader';

export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const CHUNK_ROWS = 1_000;
/** problems kept for the page (all of them are counted, and all skipped rows go to the report) */
const PROBLEMS_SHOWN = 200;
const JOB_TTL_MS = 2 * 60 * 60_000;

export type ImportPhase = 'uploaded' | 'checking' | 'checked' | 'importing' | 'done' | 'failed';

export interface ImportSettings {
  kind: ImportKind;
  mapping: Mapping;
  /** unmapped columns become event properties / account attributes */
  extras: boolean;
  /** events: create accounts that do not exist (named by their id) */
  createAccounts: boolean;
}

interface Job {
  token: string;
  filename: string;
  file: string;
  bytes: number;
  userPk: number;
  actor: string;
  settings: ImportSettings | null;
  phase: ImportPhase;
  progress: { done: number; total: number; unit: 'bytes' | 'rows' };
  rows: number;
  problems: SkippedRow[];
  problemCount: number;
  badRows: Map<number, SkippedRow>;
  runPk: number | null;
  result: { written: number; skipped: number; duplicates: number } | null;
  message: string | null;
  touchedAt: number;
}

export type ImportStatus = Omit<Job, 'file' | 'badRows' | 'userPk' | 'actor' | 'touchedAt'> & { badRows: number };

const globalForJobs = globalThis as unknown as { trellisImportJobs?: Map<string, Job> };
const jobs = (globalForJobs.trellisImportJobs ??= new Map());

function uploadDir(db: Db): string {
  return path.join(path.dirname(db.$client.name), 'imports');
}

function expire(now = Date.now()): void {
  for (const [token, job] of jobs) {
    if (now - job.touchedAt > JOB_TTL_MS && job.phase !== 'checking' && job.phase !== 'importing') {
      fs.rmSync(job.file, { force: true });
      jobs.delete(token);
    }
  }
}

function jobFor(token: string, userPk: number): Job {
  const job = jobs.get(token);
  if (!job || job.userPk !== userPk) throw new AppError('not_found', 'This upload is gone (uploads are kept for two hours); choose the file again');
  job.touchedAt = Date.now();
  return job;
}

export function importStatus(token: string, userPk: number): ImportStatus {
  const { file: _file, badRows, userPk: _user, actor: _actor, touchedAt: _touched, ...rest } = jobFor(token, userPk);
  return { ...rest, badRows: badRows.size };
}

/** Saves an uploaded file (streamed, at most MAX_UPLOAD_BYTES) and returns its token. */
export async function saveUpload(db: Db, body: ReadableStream<Uint8Array>, input: { filename: string; userPk: number; actor: string }): Promise<string> {
  expire();
  const token = randomUUID();
  fs.mkdirSync(uploadDir(db), { recursive: true });
  const file = path.join(uploadDir(db), `${token}.csv`);
  const out = fs.createWriteStream(file);
  let bytes = 0;
  try {
    for await (const part of body as unknown as AsyncIterable<Uint8Array>) {
      bytes += part.byteLength;
      if (bytes > MAX_UPLOAD_BYTES) throw new AppError('too_large', `The file is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it into smaller files`);
      if (!out.write(part)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  } catch (error) {
    out.destroy();
    fs.rmSync(file, { force: true });
    throw error;
  }
  if (!bytes) {
    fs.rmSync(file, { force: true });
    throw new AppError('invalid', 'The file is empty');
  }
  const filename = input.filename.replace(/[^\w .,()-]/g, '_').slice(0, 200) || 'upload.csv';
  jobs.set(token, {
    token, filename, file, bytes, userPk: input.userPk, actor: input.actor, settings: null, phase: 'uploaded',
    progress: { done: 0, total: bytes, unit: 'bytes' }, rows: 0, problems: [], problemCount: 0, badRows: new Map(),
    runPk: null, result: null, message: null, touchedAt: Date.now(),
  });
  return token;
}

/** The reference checks of one chunk (unknown accounts, triggers, contacts) as item errors. */
function referenceErrors(db: Db, settings: ImportSettings, values: unknown[]): ItemError[] {
  switch (settings.kind) {
    case 'events':
      return checkEvents(db, values as EventInput[], { createAccounts: settings.createAccounts, unknownAccountHint: 'import the accounts first, or tick "Create accounts that do not exist yet"' }).errors;
    case 'contacts':
      return checkContacts(db, values as ContactInput[]);
    case 'outcomes':
      return checkOutcomes(db, values as OutcomeInput[]);
    default:
      return [];
  }
}

function write(db: Db, settings: ImportSettings, values: unknown[], source: string): { written: number; duplicates: number } {
  switch (settings.kind) {
    case 'accounts':
      return { written: upsertAccounts(db, values as AccountInput[]).upserted, duplicates: 0 };
    case 'contacts':
      return { written: upsertContacts(db, values as ContactInput[]).upserted, duplicates: 0 };
    case 'events': {
      const r = ingestEvents(db, values as EventInput[], { createAccounts: settings.createAccounts, source });
      // Scores follow in the background, between this chunk and the next.
      if (r.accepted) rescoreSoon(db);
      return { written: r.accepted, duplicates: r.duplicates };
    }
    case 'outcomes': {
      const r = insertOutcomes(db, values as OutcomeInput[]);
      return { written: r.accepted, duplicates: r.duplicates };
    }
  }
}

/** Maps and validates the rows of a chunk; ids repeated anywhere in the file are problems too. */
function checkChunk(settings: ImportSettings, chunk: CsvRow[], seenIds: Map<string, number>) {
  const valid: { row: CsvRow; value: { id?: string } }[] = [];
  const problems: SkippedRow[] = [];
  for (const row of chunk) {
    const at = sheetRow(row.index);
    if (row.extra) {
      problems.push({ row: at, field: '(row)', message: 'the row has more cells than the header has columns', values: row.cells });
      continue;
    }
    const checked = checkRow(settings.kind, row.cells, settings.mapping, { extras: settings.extras });
    if (!checked.ok) {
      const message = checked.problems.length === 1 ? checked.problems[0]!.message : checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
      problems.push({ row: at, field: checked.problems.map((p) => p.field).join(', '), message, values: row.cells });
      continue;
    }
    const value = checked.value as { id?: string };
    if (value.id) {
      const first = seenIds.get(value.id);
      if (first !== undefined) {
        problems.push({ row: at, field: 'id', message: `id "${value.id}" is already in row ${first}`, values: row.cells });
        continue;
      }
      seenIds.set(value.id, at);
    }
    valid.push({ row, value });
  }
  return { valid, problems };
}

function addProblem(job: Job, problem: SkippedRow): void {
  if (job.badRows.has(problem.row)) return;
  job.badRows.set(problem.row, problem);
  job.problemCount += 1;
  if (job.problems.length < PROBLEMS_SHOWN) job.problems.push(problem);
}

async function runCheck(db: Db, job: Job): Promise<void> {
  const settings = job.settings!;
  const seenIds = new Map<string, number>();
  let rows = 0;
  let headerChecked = false;
  for await (const chunk of csvChunks(job.file, CHUNK_ROWS, (read, total) => (job.progress = { done: read, total, unit: 'bytes' }))) {
    if (!headerChecked) {
      headerChecked = true;
      const columns = new Set(Object.keys(chunk[0]?.cells ?? {}));
      const missing = Object.values(settings.mapping).filter((c): c is string => !!c && !columns.has(c));
      if (missing.length) throw new AppError('invalid', `The file has no column ${missing.map((c) => `"${c}"`).join(', ')}`);
    }
    rows += chunk.length;
    const { valid, problems } = checkChunk(settings, chunk, seenIds);
    problems.forEach((p) => addProblem(job, p));
    for (const e of referenceErrors(db, settings, valid.map((v) => v.value))) {
      const source = valid[e.index ?? 0]!.row;
      addProblem(job, { row: sheetRow(source.index), field: e.path, message: e.message, values: source.cells });
    }
  }
  job.rows = rows;
  job.problems.sort((a, b) => a.row - b.row);
  if (!rows) throw new AppError('invalid', 'The file has a header but no rows');
}

async function runImport(db: Db, job: Job, skipInvalid: boolean): Promise<void> {
  const settings = job.settings!;
  const runPk = startImportRun(db, { kind: settings.kind, filename: job.filename, totalRows: job.rows, userPk: job.userPk, actor: job.actor });
  job.runPk = runPk;
  const skipped: SkippedRow[] = [...job.badRows.values()];
  let written = 0;
  let duplicates = 0;
  let done = 0;
  const seenIds = new Map<string, number>();
  try {
    for await (const chunk of csvChunks(job.file, CHUNK_ROWS)) {
      // Rows found bad by the check stay out; the rest are checked again as the file is read.
      const rows = chunk.filter((r) => !job.badRows.has(sheetRow(r.index)));
      const { valid, problems } = checkChunk(settings, rows, seenIds);
      if (problems.length && !skipInvalid) throw new AppError('invalid', `Row ${problems[0]!.row}: ${problems[0]!.message}`);
      let items = valid;
      const late = [...problems];
      try {
        const r = write(db, settings, items.map((v) => v.value), `csv:${job.filename}`);
        written += r.written;
        duplicates += r.duplicates;
      } catch (error) {
        // The database changed since the check (e.g. an account was deleted): those rows are bad now.
        if (!(error instanceof AppError) || error.code !== 'invalid' || !skipInvalid) throw error;
        const bad = new Set(error.details.map((d) => d.index));
        for (const d of error.details) {
          const source = items[d.index ?? 0]!.row;
          late.push({ row: sheetRow(source.index), field: d.path, message: d.message, values: source.cells });
        }
        items = items.filter((_, i) => !bad.has(i));
        const r = items.length ? write(db, settings, items.map((v) => v.value), `csv:${job.filename}`) : { written: 0, duplicates: 0 };
        written += r.written;
        duplicates += r.duplicates;
      }
      skipped.push(...late);
      done += chunk.length;
      job.progress = { done, total: job.rows, unit: 'rows' };
      updateImportProgress(db, runPk, written);
    }
    skipped.sort((a, b) => a.row - b.row);
    finishImportRun(db, runPk, { status: 'done', writtenRows: written, skipped, skippedRows: skipped.length });
    job.result = { written, skipped: skipped.length, duplicates };
  } catch (error) {
    const message = error instanceof AppError ? error.message : 'The import failed on our side; the error has been logged';
    finishImportRun(db, runPk, { status: 'failed', writtenRows: written, skipped, skippedRows: skipped.length, message: `${message}. ${written} rows were written before it stopped.` });
    job.result = { written, skipped: skipped.length, duplicates };
    throw error;
  }
}

function runInBackground(job: Job, phase: ImportPhase, next: ImportPhase, work: () => Promise<void>): void {
  job.phase = phase;
  job.message = null;
  work()
    .then(() => {
      job.phase = next;
    })
    .catch((error: unknown) => {
      if (!(error instanceof AppError)) console.error('CSV import failed', error);
      job.phase = 'failed';
      job.message = error instanceof AppError ? error.message : 'The import failed on our side; the error has been logged';
    });
}

/** Checks the whole file with a mapping (again, after a change of mapping); writes nothing. */
export function startCheck(db: Db, token: string, userPk: number, settings: ImportSettings): void {
  const job = jobFor(token, userPk);
  if (job.phase === 'checking' || job.phase === 'importing') throw new AppError('conflict', 'This file is being processed; wait for it to finish');
  if (job.phase === 'done') throw new AppError('conflict', 'This file has been imported; upload it again to import it again');
  const problems = mappingProblems(settings.kind, settings.mapping);
  if (problems.length) throw new AppError('invalid', problems[0]!, problems.map((message) => ({ path: 'mapping', message })));
  Object.assign(job, { settings, rows: 0, problems: [], problemCount: 0, badRows: new Map(), result: null, progress: { done: 0, total: job.bytes, unit: 'bytes' } });
  runInBackground(job, 'checking', 'checked', () => runCheck(db, job));
}

/** Imports a checked file; bad rows block it unless `skipInvalid`. */
export function startImport(db: Db, token: string, userPk: number, skipInvalid: boolean): void {
  const job = jobFor(token, userPk);
  if (job.phase !== 'checked') throw new AppError('conflict', job.phase === 'done' ? 'This file has been imported already' : 'Check the file first');
  if (job.badRows.size && !skipInvalid) {
    throw new AppError('conflict', `${job.badRows.size} row${job.badRows.size > 1 ? 's have' : ' has'} problems: fix the file, or choose to skip them`);
  }
  if (job.badRows.size === job.rows) throw new AppError('conflict', 'Every row has a problem: nothing to import');
  job.progress = { done: 0, total: job.rows, unit: 'rows' };
  runInBackground(job, 'importing', 'done', async () => {
    await runImport(db, job, skipInvalid);
    fs.rmSync(job.file, { force: true });
  });
}
