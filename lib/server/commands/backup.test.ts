import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, expect, it } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import { describeEngines } from '@/lib/testing/engines';
import { SqliteStore, sqliteStore } from '@/lib/server/store';
import { aggregatedEventCount } from '../aggregates';
import { appLockFile, APP_LOCK_STALE_MS, holdAppLock, takeAppLockWhenFree } from '../app-lock';
import { AppError } from '../errors';
import { upsertAccounts } from './accounts';
import { backupDatabase, integrityCheck, restoreDatabase } from './backup';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';

const events = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => eventSchema.parse({ id: `e${from + i}`, accountId: 'A', type: 'product.login', occurredAt: new Date(Date.now() - i * 60_000).toISOString() }));

/** The number of events in a SQLite file, read with a connection of its own. */
async function eventCount(file: string): Promise<number> {
  const store = sqliteStore(file, { migrate: false });
  try {
    return (await store.value<number>('SELECT count(*) FROM events'))!;
  } finally {
    await store.close();
  }
}

describeEngines('backup and restore', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    await upsertAccounts(t.store, [{ id: 'A', name: 'Alpha' }]);
  });

  it('backs up a live database consistently and restores it over a changed one', async () => {
    const db = t.store;
    const file = t.url;
    await ingestEvents(db, events(500, 0));
    const dir = path.dirname(file);
    const backup = path.join(dir, 'backups', 'one.db');
    // Writes keep arriving while the backup runs.
    const writing = (async () => {
      for (let k = 1; k <= 5; k++) {
        await ingestEvents(db, events(100, k * 1000));
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const result = await backupDatabase(db, backup);
    await writing;
    expect(integrityCheck(result.file)).toBe('ok');
    const copy = new SqliteStore(new Database(result.file, { readonly: true }));
    const backedUp = (await copy.value<number>('SELECT count(*) FROM events'))!;
    // Consistent: the aggregates of the copy match its own events (count 1 each) exactly.
    expect(await aggregatedEventCount(copy)).toBe(backedUp);
    await copy.close();
    expect(backedUp).toBeGreaterThanOrEqual(500);
    await expect(backupDatabase(db, backup)).rejects.toThrowError(/already exists/);

    await ingestEvents(db, events(50, 90_000));
    await db.close();
    restoreDatabase(result.file, file);
    expect(await eventCount(file)).toBe(backedUp);
    expect(integrityCheck(file)).toBe('ok');
  });

  it('refuses to restore a damaged backup, leaving the database alone', () => {
    const file = t.url;
    const damaged = path.join(path.dirname(file), 'damaged.db');
    fs.writeFileSync(damaged, 'this is not a database');
    expect(() => restoreDatabase(damaged, file)).toThrowError();
    expect(integrityCheck(file)).toBe('ok');
  });

  it('writes the backup and its temporary file readable by the owner only', async () => {
    const backup = path.join(path.dirname(t.url), 'private', 'b.db');
    const modes: number[] = [];
    const watcher = setInterval(() => {
      if (fs.existsSync(`${backup}.partial`)) modes.push(fs.statSync(`${backup}.partial`).mode & 0o777);
    }, 0);
    await ingestEvents(t.store, events(2000, 0));
    const previous = process.umask(0o022);
    try {
      await backupDatabase(t.store, backup);
    } finally {
      process.umask(previous);
      clearInterval(watcher);
    }
    expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${backup}.partial`)).toBe(false);
    expect(modes.every((m) => m === 0o600)).toBe(true);
  });

  it('refuses to restore while a running app holds the database, and not after that app crashed', async () => {
    const file = t.url;
    const backup = path.join(path.dirname(file), 'b.db');
    await backupDatabase(t.store, backup);
    // Another process takes the lock as the server does when it starts, and keeps it.
    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `require('./lib/server/app-lock.ts').holdAppLock(${JSON.stringify(file)}); console.log('held'); setInterval(() => {}, 1000);`], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
        holder.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
      });
      expect(() => restoreDatabase(backup, file)).toThrowError(/Trellis is running on .*stop the app, then restore\. Nothing was restored/);
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
    // Killed, the holder left its lock behind: a restarting server takes it over once it is stale.
    expect(fs.existsSync(appLockFile(file))).toBe(true);
    expect(() => restoreDatabase(backup, file)).toThrowError(/Trellis is running/);
    let held = false;
    const taking = takeAppLockWhenFree(file).then((release) => ((held = true), release));
    await new Promise((r) => setTimeout(r, 100));
    expect(held).toBe(false);
    const old = new Date(Date.now() - APP_LOCK_STALE_MS - 5_000);
    fs.utimesSync(appLockFile(file), old, old);
    const release = await taking;
    expect(() => restoreDatabase(backup, file)).toThrowError(/Trellis is running/);
    await release();

    await t.store.close();
    expect(restoreDatabase(backup, file).file).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(appLockFile(file))).toBe(false);
  });

  it('the lock is released by its holder and can be taken again', () => {
    const file = t.url;
    const release = holdAppLock(file);
    expect(() => holdAppLock(file)).toThrowError(/already being held/);
    release();
    holdAppLock(file)();
  });
}, { engines: ['sqlite'] });

describeEngines('backup on PostgreSQL', (t) => {
  it('is refused with the tools to use instead, and writes no file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-backup-'));
    try {
      const backup = path.join(dir, 'one.db');
      const error = await backupDatabase(t.store, backup).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).message).toMatch(/PostgreSQL: back it up with pg_dump .*pg_restore/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}, { engines: ['postgres'] });
