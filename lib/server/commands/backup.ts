/**
 * Backups with SQLite's online backup API: consistent while the app keeps reading and writing.
 * Restores check the backup first and replace the database file atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from '@/db/open';
import { AppError } from '../errors';

export function integrityCheck(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
  } finally {
    db.close();
  }
}

export async function backupDatabase(db: Db, destination: string): Promise<{ file: string; bytes: number; pages: number }> {
  const file = path.resolve(destination);
  if (fs.existsSync(file)) throw new AppError('conflict', `${file} already exists; choose another name`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  let pages = 0;
  await db.$client.backup(tmp, { progress: ({ totalPages }) => ((pages = totalPages), 2000) });
  const check = integrityCheck(tmp);
  if (check !== 'ok') {
    fs.rmSync(tmp, { force: true });
    throw new AppError('internal', `The backup failed its integrity check: ${check}`);
  }
  fs.renameSync(tmp, file);
  return { file, bytes: fs.statSync(file).size, pages };
}

/** Replaces `target` with `backup`. The app must be stopped: it keeps the old file open. */
export function restoreDatabase(backup: string, target: string): { file: string; bytes: number } {
  const source = path.resolve(backup);
  if (!fs.existsSync(source)) throw new AppError('not_found', `No backup at ${source}`);
  const check = integrityCheck(source);
  if (check !== 'ok') throw new AppError('invalid', `The backup is damaged (${check}); nothing was restored`);
  const file = path.resolve(target);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.restoring`;
  fs.copyFileSync(source, tmp);
  // A write-ahead log left from the old database must not be replayed onto the restored one.
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  fs.renameSync(tmp, file);
  return { file, bytes: fs.statSync(file).size };
}
