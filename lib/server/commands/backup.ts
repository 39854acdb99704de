/**
 * Backups with SQLite's online backup API: consistent while the app keeps reading and writing.
 * Backup files hold every customer's data: they are created readable and writable by their owner
 * only (mode 0600, the temporary file too), never widened afterwards. Restores check the backup
 * first, refuse while the app runs (it holds the database's lock, see app-lock.ts) and replace the
 * database file atomically. A PostgreSQL database is backed up and restored with PostgreSQL's own
 * tools (pg_dump, pg_restore).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore, type Store } from '@/lib/server/store';
import { appLockFile, holdAppLock } from '../app-lock';
import { AppError } from '../errors';

/** owner read and write, nobody else */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates an empty file with the private mode (replacing a temporary file left by a crash). */
function createPrivate(file: string): void {
  fs.rmSync(file, { force: true });
  fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
}

/** Copies in bounded memory into a file created with the private mode. */
function copyPrivate(source: string, target: string): void {
  createPrivate(target);
  const from = fs.openSync(source, 'r');
  const to = fs.openSync(target, 'r+');
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    let read: number;
    while ((read = fs.readSync(from, buffer, 0, buffer.length, null)) > 0) fs.writeSync(to, buffer, 0, read);
    fs.fsyncSync(to);
  } finally {
    fs.closeSync(from);
    fs.closeSync(to);
  }
}

export function integrityCheck(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
  } finally {
    db.close();
  }
}

export async function backupDatabase(db: Store, destination: string): Promise<{ file: string; bytes: number; pages: number }> {
  if (!(db instanceof SqliteStore)) {
    throw new AppError('invalid', 'This backup copies a SQLite database file; the database is PostgreSQL: back it up with pg_dump (and restore it with pg_restore)');
  }
  const file = path.resolve(destination);
  if (fs.existsSync(file)) throw new AppError('conflict', `${file} already exists; choose another name`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.partial`;
  // SQLite writes into the existing file and keeps its mode (its journal takes the same mode).
  createPrivate(tmp);
  let pages = 0;
  await db.client.backup(tmp, { progress: ({ totalPages }) => ((pages = totalPages), 2000) });
  const check = integrityCheck(tmp);
  if (check !== 'ok') {
    fs.rmSync(tmp, { force: true });
    throw new AppError('internal', `The backup failed its integrity check: ${check}`);
  }
  fs.renameSync(tmp, file);
  return { file, bytes: fs.statSync(file).size, pages };
}

/**
 * Replaces `target` with `backup`. Refused while the app runs (it keeps the old file open and would
 * go on writing into it): the restore takes the database's lock for its duration.
 */
export function restoreDatabase(backup: string, target: string): { file: string; bytes: number } {
  const source = path.resolve(backup);
  if (!fs.existsSync(source)) throw new AppError('not_found', `No backup at ${source}`);
  const check = integrityCheck(source);
  if (check !== 'ok') throw new AppError('invalid', `The backup is damaged (${check}); nothing was restored`);
  const file = path.resolve(target);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let release: () => void;
  try {
    release = holdAppLock(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new AppError('conflict', `Trellis is running on ${file} (it holds ${appLockFile(file)}): stop the app, then restore. Nothing was restored.`);
  }
  try {
    const tmp = `${file}.restoring`;
    copyPrivate(source, tmp);
    // A write-ahead log left from the old database must not be replayed onto the restored one.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    fs.renameSync(tmp, file);
    return { file, bytes: fs.statSync(file).size };
  } finally {
    release();
  }
}
