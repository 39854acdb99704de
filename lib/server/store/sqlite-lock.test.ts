import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/open';
import { writeLockFree } from '@/lib/server/ingest-queue';
import { renderMetrics } from '@/lib/server/metrics';
import { freshStore } from '@/lib/testing/engines';
import { sample } from '@/lib/testing/prometheus';
import { SqliteStore } from './index';

describe('a SQLite transaction waiting for another process', () => {
  const open: SqliteStore[] = [];
  let dir = '';
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function setUp(busyTimeoutMs?: number) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-lock-'));
    const file = path.join(dir, 'trellis.db');
    const client = openDatabase(file).$client;
    if (busyTimeoutMs !== undefined) client.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const store = new SqliteStore(client, openDatabase(file, { readonly: true }).$client);
    open.push(store);
    // Another process's connection, holding the write lock.
    const other = openDatabase(file).$client;
    return { store, other };
  }

  it('waits for the write lock without holding the thread: reads and timers run meanwhile, then it commits', async () => {
    const { store, other } = setUp();
    await store.run('CREATE TABLE t (x integer)');
    other.exec('BEGIN IMMEDIATE');
    other.exec('INSERT INTO t VALUES (1)');

    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(Date.now()), 5);
    const started = Date.now();
    const write = store.tx(async (tx) => {
      await tx.run('INSERT INTO t VALUES (2)');
      return (await tx.value<number>('SELECT count(*) FROM t')) ?? 0;
    });
    // While the transaction waits: the thread is free, and reads answer with what is committed.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await store.value('SELECT count(*) FROM t')).toBe(0);
    const ticksWhileWaiting = ticks.length;
    other.exec('COMMIT');
    const seen = await write;
    clearInterval(timer);
    other.close();

    expect(ticksWhileWaiting).toBeGreaterThanOrEqual(10);
    expect(seen).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await store.column('SELECT x FROM t ORDER BY x')).toEqual([1, 2]);
  });

  it("gives up with SQLITE_BUSY after the connection's busy_timeout, writing nothing, and the store works again after", async () => {
    const { store, other } = setUp(200);
    await store.run('CREATE TABLE t (x integer)');
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const lock = { ...store.writeLock };
    await expect(store.tx((tx) => tx.run('INSERT INTO t VALUES (1)'))).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    // Counted as waited, and as no write transaction.
    expect(store.writeLock.waitSeconds - lock.waitSeconds).toBeGreaterThanOrEqual(0.19);
    expect(store.writeLock.transactions).toBe(lock.transactions);
    other.exec('ROLLBACK');
    other.close();
    expect(store.client.pragma('busy_timeout', { simple: true })).toBe(200);
    await store.tx((tx) => tx.run('INSERT INTO t VALUES (3)'));
    expect(await store.column('SELECT x FROM t')).toEqual([3]);
  });

  it('counts the time it waited for the write lock and held it, and its write transactions; the metrics show them', async () => {
    const fresh = await freshStore('sqlite');
    try {
      const store = fresh.store as SqliteStore;
      const other = openDatabase(fresh.url).$client;
      const lock = store.writeLock;
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const start = { ...lock };

      // Another process holds the lock for 150 ms; the transaction then holds it for 50 ms.
      other.exec('BEGIN IMMEDIATE');
      const write = store.tx(async (tx) => {
        await tx.run("INSERT INTO settings (key, value) VALUES ('a', '1')");
        await pause(50);
      });
      await pause(150);
      other.exec('COMMIT');
      await write;
      expect(lock.waitSeconds - start.waitSeconds).toBeGreaterThanOrEqual(0.14);
      expect(lock.heldSeconds - start.heldSeconds).toBeGreaterThanOrEqual(0.05);
      expect(lock.heldSeconds - start.heldSeconds).toBeLessThan(lock.waitSeconds - start.waitSeconds);
      expect(lock.transactions - start.transactions).toBe(1);

      // A write that fails held the lock too (until its rollback); a read-only transaction takes none.
      await expect(store.tx(async (tx) => {
        await tx.run("INSERT INTO settings (key, value) VALUES ('b', '2')");
        throw new Error('changed my mind');
      })).rejects.toThrow('changed my mind');
      await store.tx((tx) => tx.value('SELECT count(*) FROM settings'), { readOnly: true });
      expect(lock.transactions - start.transactions).toBe(2);

      // The ingest queue's wait for the lock (before its synchronous write) counts as waiting too.
      const waited = lock.waitSeconds;
      other.exec('BEGIN IMMEDIATE');
      const free = writeLockFree(store);
      await pause(100);
      other.exec('COMMIT');
      await free;
      other.close();
      expect(lock.waitSeconds - waited).toBeGreaterThanOrEqual(0.09);

      const text = (await renderMetrics(store)).text;
      expect(sample(text, 'trellis_sqlite_write_lock_wait_seconds_total')).toBeCloseTo(lock.waitSeconds, 6);
      expect(sample(text, 'trellis_sqlite_write_lock_held_seconds_total')).toBeCloseTo(lock.heldSeconds, 6);
      expect(sample(text, 'trellis_sqlite_write_transactions_total')).toBe(lock.transactions);
    } finally {
      await fresh.dispose();
    }
  });
});
