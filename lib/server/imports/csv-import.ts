/**
 * A CSV import as the admin page drives it: upload (the file is kept beside the database), check
 * the whole file (every row through the same schemas and reference checks as the REST API,
 * nothing written), then import in chunks of rows through the same commands, skipping the bad
 * rows only when the admin chose to. Progress is kept in memory for the page to poll; the run
 * and its report of skipped rows are stored in `import_runs`, with what a restarted server needs
 * to resume it (see resumeImports): each chunk commits together with the run's progress.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_DATABASE_FILE } from '@/db/open';
import { checkRow, mappingProblems, sheetRow, type ImportKind, type Mapping } from '@/lib/ingest/csv';
import type { AccountInput, ContactInput, EventInput, ItemError, OutcomeInput } from '@/lib/ingest/schemas';
import { SqliteStore, type Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { logStep, logger } from '../log';
import { checkContacts, checkOutcomes, insertOutcomes, upsertAccounts, upsertContacts } from '../commands/accounts';
import { checkEvents, ingestEvents } from '../commands/events';
import { claimImportRun, finishImportRun, recordRunProgress, runningImports, startImportRun, type RunProgress, type SkippedRow } from '../commands/import-runs';
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
  /** SHA-256 of the file's content */
  hash: string;
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

export type ImportStatus = Omit<Job, 'file' | 'hash' | 'badRows' | 'userPk' | 'actor' | 'touchedAt'> & { badRows: number };

const globalForJobs = globalThis as unknown as { trellisImportJobs?: Map<string, Job> };
const jobs = (globalForJobs.trellisImportJobs ??= new Map());

/**
 * Uploads are kept beside the SQLite file; with PostgreSQL, in the data folder of the working
 * directory (where the SQLite file would be), on the machine that received them: an import
 * resumes on that machine.
 */
function uploadDir(db: Store): string {
  const file = db instanceof SqliteStore ? db.client.name : path.resolve(DEFAULT_DATABASE_FILE);
  return path.join(path.dirname(file), 'imports');
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
  const { file: _file, hash: _hash, badRows, userPk: _user, actor: _actor, touchedAt: _touched, ...rest } = jobFor(token, userPk);
  return { ...rest, badRows: badRows.size };
}

/** Saves an uploaded file (streamed, at most MAX_UPLOAD_BYTES) and returns its token. */
export async function saveUpload(db: Store, body: ReadableStream<Uint8Array>, input: { filename: string; userPk: number; actor: string }): Promise<string> {
  expire();
  const token = randomUUID();
  fs.mkdirSync(uploadDir(db), { recursive: true });
  const file = path.join(uploadDir(db), `${token}.csv`);
  const out = fs.createWriteStream(file);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const part of body as unknown as AsyncIterable<Uint8Array>) {
      bytes += part.byteLength;
      hash.update(part);
      if (bytes > MAX_UPLOAD_BYTES) throw new AppError('too_large', `The file is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it into smaller files`);
      if (!out.write(part)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    // The file must be on disk before an import that resumes from it after a crash can start.
    const fd = fs.openSync(file, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
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
    token, filename, file, hash: hash.digest('hex'), bytes, userPk: input.userPk, actor: input.actor, settings: null, phase: 'uploaded',
    progress: { done: 0, total: bytes, unit: 'bytes' }, rows: 0, problems: [], problemCount: 0, badRows: new Map(),
    runPk: null, result: null, message: null, touchedAt: Date.now(),
  });
  return token;
}

/** The reference checks of one chunk (unknown accounts, triggers, contacts) as item errors. */
async function referenceErrors(db: Store, settings: ImportSettings, values: unknown[]): Promise<ItemError[]> {
  switch (settings.kind) {
    case 'events':
      return (await checkEvents(db, values as EventInput[], { createAccounts: settings.createAccounts, unknownAccountHint: 'import the accounts first, or tick "Create accounts that do not exist yet"' })).errors;
    case 'contacts':
      return checkContacts(db, values as ContactInput[]);
    case 'outcomes':
      return checkOutcomes(db, values as OutcomeInput[]);
    default:
      return [];
  }
}

async function write(db: Store, settings: ImportSettings, values: unknown[], source: string): Promise<{ written: number; duplicates: number }> {
  switch (settings.kind) {
    case 'accounts':
      return { written: (await upsertAccounts(db, values as AccountInput[])).upserted, duplicates: 0 };
    case 'contacts':
      return { written: (await upsertContacts(db, values as ContactInput[])).upserted, duplicates: 0 };
    case 'events': {
      const r = await ingestEvents(db, values as EventInput[], { createAccounts: settings.createAccounts, source });
      return { written: r.accepted, duplicates: r.duplicates };
    }
    case 'outcomes': {
      const r = await insertOutcomes(db, values as OutcomeInput[]);
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

async function runCheck(db: Store, job: Job): Promise<void> {
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
    for (const e of await referenceErrors(db, settings, valid.map((v) => v.value))) {
      const source = valid[e.index ?? 0]!.row;
      addProblem(job, { row: sheetRow(source.index), field: e.path, message: e.message, values: source.cells });
    }
  }
  job.rows = rows;
  job.problems.sort((a, b) => a.row - b.row);
  if (!rows) throw new AppError('invalid', 'The file has a header but no rows');
}

/** What a run needs to go on where it stopped after a restart; kept in its report while it runs. */
interface Resume {
  file: string;
  /** SHA-256 of the file: derived ids come from it, and a resumed run checks it is the same file */
  hash: string;
  settings: ImportSettings;
  skipInvalid: boolean;
  /** sheet rows the check found bad: left out */
  badRows: number[];
}

interface RunState {
  pk: number;
  filename: string;
  resume: Resume & RunProgress;
  /** every skipped row known (a resumed run knows those its report kept) and their count */
  skipped: SkippedRow[];
  skippedCount: number;
}

/**
 * Events and outcomes without an id get one derived from the file's content and the row, so
 * that a run resumed after a crash, or the same file imported again, never counts a row twice.
 */
function withStableId(kind: ImportKind, value: { id?: string }, row: CsvRow, hash: string): { id?: string } {
  if (value.id || (kind !== 'events' && kind !== 'outcomes')) return value;
  return { ...value, id: `csv-${hash.slice(0, 16)}-${sheetRow(row.index)}` };
}

async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const part of fs.createReadStream(file)) hash.update(part as Buffer);
  return hash.digest('hex');
}

/**
 * Imports the file chunk by chunk. Each chunk's rows and the run's progress are committed in one
 * transaction, so a crash leaves whole chunks, and a restarted server goes on after the last one
 * (rows before it are read again only to know the ids already used in the file).
 */
async function runImport(db: Store, state: RunState, job?: Job): Promise<void> {
  const { pk, resume } = state;
  const { settings, skipInvalid } = resume;
  const badRows = new Set(resume.badRows);
  const source = `csv:${state.filename}`;
  let { written, duplicates } = resume;
  const seenIds = new Map<string, number>();
  const afterFailure = () => `${written} rows were written before it stopped; when the file is imported again, rows already written are recognised and not counted twice.`;
  try {
    for await (const chunk of csvChunks(resume.file, CHUNK_ROWS)) {
      // Rows found bad by the check stay out; the rest are checked again as the file is read.
      const rows = chunk.filter((r) => !badRows.has(sheetRow(r.index)));
      const { valid, problems } = checkChunk(settings, rows, seenIds);
      if (chunk[0]!.index < resume.next) continue;
      if (problems.length && !skipInvalid) throw new AppError('invalid', `Row ${problems[0]!.row}: ${problems[0]!.message}`);
      const clock = performance.now();
      let items = valid.map((v) => ({ row: v.row, value: withStableId(settings.kind, v.value, v.row, resume.hash) }));
      const late = [...problems];
      const next = chunk[chunk.length - 1]!.index + 1;
      const { r, skipped } = await db.tx(async (tx) => {
        let r: { written: number; duplicates: number };
        try {
          r = await write(tx, settings, items.map((v) => v.value), source);
        } catch (error) {
          // The database changed since the check (e.g. an account was deleted): those rows are bad now.
          if (!(error instanceof AppError) || error.code !== 'invalid' || !skipInvalid) throw error;
          const bad = new Set(error.details.map((d) => d.index));
          for (const d of error.details) {
            const at = items[d.index ?? 0]!.row;
            late.push({ row: sheetRow(at.index), field: d.path, message: d.message, values: at.cells });
          }
          items = items.filter((_, i) => !bad.has(i));
          r = items.length ? await write(tx, settings, items.map((v) => v.value), source) : { written: 0, duplicates: 0 };
        }
        const skipped = late.length ? { rows: [...state.skipped, ...late].sort((a, b) => a.row - b.row), count: state.skippedCount + late.length } : undefined;
        await recordRunProgress(tx, pk, { next, written: written + r.written, duplicates: duplicates + r.duplicates }, skipped);
        return { r, skipped };
      });
      written += r.written;
      duplicates += r.duplicates;
      logStep('import', clock, { run: pk, kind: settings.kind, rows: chunk.length, written: r.written, duplicates: r.duplicates, skipped: late.length, next });
      if (skipped) ({ rows: state.skipped, count: state.skippedCount } = skipped);
      // Scores follow in the background, between this chunk and the next.
      if (settings.kind === 'events' && r.written) rescoreSoon(db);
      resume.next = next;
      if (job) job.progress = { done: next, total: job.rows, unit: 'rows' };
    }
    state.skipped.sort((a, b) => a.row - b.row);
    await finishImportRun(db, pk, { status: 'done', writtenRows: written, skipped: state.skipped, skippedRows: state.skippedCount });
    if (job) job.result = { written, skipped: state.skippedCount, duplicates };
  } catch (error) {
    const message = error instanceof AppError ? error.message : 'The import failed on our side; the error has been logged';
    await finishImportRun(db, pk, { status: 'failed', writtenRows: written, skipped: state.skipped, skippedRows: state.skippedCount, message: `${message}. ${afterFailure()}` });
    if (job) job.result = { written, skipped: state.skippedCount, duplicates };
    throw error;
  }
}

/** Imports a checked file as a new run. */
async function importJob(db: Store, job: Job, skipInvalid: boolean): Promise<void> {
  const settings = job.settings!;
  const skipped = [...job.badRows.values()].sort((a, b) => a.row - b.row);
  const resume: Resume = { file: job.file, hash: job.hash, settings, skipInvalid, badRows: [...job.badRows.keys()] };
  const pk = await startImportRun(db, { kind: settings.kind, filename: job.filename, totalRows: job.rows, userPk: job.userPk, actor: job.actor, skipped, resume });
  job.runPk = pk;
  await runImport(db, { pk, filename: job.filename, resume: { ...resume, next: 0, written: 0, duplicates: 0 }, skipped, skippedCount: skipped.length }, job);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * On server start: goes on with the CSV imports a stopped server left running (from the row after
 * their last committed chunk), and marks failed, with what to do, the runs that cannot go on (their
 * file is gone or changed; a bulk import whose process died). Runs of another live process (a
 * command-line import) are left to it; with PostgreSQL, so are the runs of another machine (its
 * processes cannot be seen from here, and it keeps the upload: it resumes them when it starts).
 * Returns the runs resumed; they finish in the background.
 */
export async function resumeImports(db: Store): Promise<Promise<void>[]> {
  const resumed: Promise<void>[] = [];
  for (const run of await runningImports(db)) {
    const host = run.report?.host;
    if (db.engine === 'postgres' && host !== undefined && host !== os.hostname()) continue;
    const pid = run.report?.pid;
    if (pid !== undefined && pid !== process.pid && processIsAlive(pid)) continue;
    const fail = (message: string) =>
      finishImportRun(db, run.pk, { status: 'failed', writtenRows: run.writtenRows, skipped: run.report?.skipped ?? [], skippedRows: run.skippedRows, message });
    const resume = run.report?.resume as (Resume & RunProgress) | null | undefined;
    if (!resume) {
      await fail(`The process running this import stopped before it finished; ${run.writtenRows} rows were written. Run the import again: rows already imported are recognised by their ids and not counted twice.`);
      continue;
    }
    if (!(await claimImportRun(db, run.pk, pid))) continue;
    const state: RunState = { pk: run.pk, filename: run.filename ?? 'upload.csv', resume, skipped: run.report?.skipped ?? [], skippedCount: run.skippedRows };
    logger.info({ job: 'import', run: run.pk, next: resume.next, total: run.totalRows }, `Resuming CSV import ${run.pk} (${run.filename}) after row ${resume.next} of ${run.totalRows}`);
    resumed.push(
      (async () => {
        if (!fs.existsSync(resume.file) || (await fileHash(resume.file)) !== resume.hash) {
          await fail(`The server stopped during this import and its file is gone; ${run.writtenRows} rows were written. Upload the same file again to finish: rows already written are recognised and not counted twice.`);
          return;
        }
        try {
          await runImport(db, state);
        } finally {
          // No page holds this run's upload: a failed run is imported again from a new upload.
          fs.rmSync(resume.file, { force: true });
        }
      })().catch((error: unknown) => {
        if (!(error instanceof AppError)) logger.error({ err: error, job: 'import', run: run.pk }, `CSV import ${run.pk} failed after resuming`);
      }),
    );
  }
  return resumed;
}

function runInBackground(job: Job, phase: ImportPhase, next: ImportPhase, work: () => Promise<void>): void {
  job.phase = phase;
  job.message = null;
  work()
    .then(() => {
      job.phase = next;
    })
    .catch((error: unknown) => {
      if (!(error instanceof AppError)) logger.error({ err: error, job: 'import', run: job.runPk ?? null }, 'CSV import failed');
      job.phase = 'failed';
      job.message = error instanceof AppError ? error.message : 'The import failed on our side; the error has been logged';
    });
}

/** Checks the whole file with a mapping (again, after a change of mapping); writes nothing. */
export function startCheck(db: Store, token: string, userPk: number, settings: ImportSettings): void {
  const job = jobFor(token, userPk);
  if (job.phase === 'checking' || job.phase === 'importing') throw new AppError('conflict', 'This file is being processed; wait for it to finish');
  if (job.phase === 'done') throw new AppError('conflict', 'This file has been imported; upload it again to import it again');
  const problems = mappingProblems(settings.kind, settings.mapping);
  if (problems.length) throw new AppError('invalid', problems[0]!, problems.map((message) => ({ path: 'mapping', message })));
  Object.assign(job, { settings, rows: 0, problems: [], problemCount: 0, badRows: new Map(), result: null, progress: { done: 0, total: job.bytes, unit: 'bytes' } });
  runInBackground(job, 'checking', 'checked', () => runCheck(db, job));
}

/** Imports a checked file; bad rows block it unless `skipInvalid`. */
export function startImport(db: Store, token: string, userPk: number, skipInvalid: boolean): void {
  const job = jobFor(token, userPk);
  if (job.phase !== 'checked') throw new AppError('conflict', job.phase === 'done' ? 'This file has been imported already' : 'Check the file first');
  if (job.badRows.size && !skipInvalid) {
    throw new AppError('conflict', `${job.badRows.size} row${job.badRows.size > 1 ? 's have' : ' has'} problems: fix the file, or choose to skip them`);
  }
  if (job.badRows.size === job.rows) throw new AppError('conflict', 'Every row has a problem: nothing to import');
  job.progress = { done: 0, total: job.rows, unit: 'rows' };
  runInBackground(job, 'importing', 'done', async () => {
    await importJob(db, job, skipInvalid);
    fs.rmSync(job.file, { force: true });
  });
}
