import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/open';
import { checkpointInThread } from './checkpointer';
import { SqliteStore } from './sqlite';

const waitFor = async (ok: () => boolean, ms = 5_000) => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('checkpoints on a thread of their own', () => {
  let dir = '';
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies the log once it passes its limit while the connection commits without checkpointing, and hands checkpoints back when stopped', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-checkpoint-'));
    const file = path.join(dir, 'trellis.db');
    const client = openDatabase(file).$client;
    client.exec('CREATE TABLE t (x blob)');
    const pageSize = Number(client.pragma('page_size', { simple: true }));
    const walSize = () => fs.statSync(`${file}-wal`).size;

    const checkpointer = checkpointInThread(client, { limitPages: 100, everyMs: 10 });
    await waitFor(() => Number(client.pragma('wal_autocheckpoint', { simple: true })) === 0);
    expect(client.pragma('journal_size_limit', { simple: true })).toBe(100 * pageSize);

    // 300 pages' worth of rows: the connection's own commits leave the log growing...
    const insert = client.prepare('INSERT INTO t VALUES (?)');
    let rows = 0;
    for (; rows < 300; rows++) insert.run(Buffer.alloc(pageSize, rows));
    expect(walSize()).toBeGreaterThan(200 * pageSize);
    // ...until the thread has copied all of it: a commit then starts the log over, cut back to its limit.
    await waitFor(() => {
      insert.run(Buffer.alloc(10));
      rows++;
      return walSize() <= 100 * pageSize;
    });
    // The thread reports its checkpoint by a message, which may still be on its way.
    await waitFor(() => checkpointer.checkpoints > 0);
    expect(client.prepare('SELECT count(*) FROM t').pluck().get()).toBe(rows);

    await checkpointer.stop();
    expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(100);
    client.close();
    // Everything committed is in the file: another connection reads it after the log is gone.
    const again = openDatabase(file).$client;
    expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(rows);
    again.close();
  });

  it('keeps two stores on one file, each with its thread, writing at once: every transaction commits (none holds the thread while the other holds the lock), and the log stays bounded', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-checkpoint-'));
    const file = path.join(dir, 'trellis.db');
    // As two server processes would: each a writing and a read-only connection, and a checkpoint thread.
    const stores = [0, 1].map(() => new SqliteStore(openDatabase(file).$client, openDatabase(file, { readonly: true }).$client));
    try {
      await stores[0]!.run('CREATE TABLE t (who integer, x blob)');
      const pageSize = Number(stores[0]!.client.pragma('page_size', { simple: true }));
      const threads = stores.map((s) => checkpointInThread(s.client, { limitPages: 50, everyMs: 5 }));
      await waitFor(() => stores.every((s) => Number(s.client.pragma('wal_autocheckpoint', { simple: true })) === 0));

      // 2 x 150 transactions of 2 pages each, interleaved: 600 pages through a log limited to 50.
      await Promise.all(
        stores.map(async (s, who) => {
          for (let i = 0; i < 150; i++) await s.tx((tx) => tx.run('INSERT INTO t VALUES (?, ?)', [who, Buffer.alloc(2 * pageSize - 100, i)]));
        }),
      );
      expect(await stores[1]!.all('SELECT who, count(*) AS n FROM t GROUP BY who ORDER BY who')).toEqual([{ who: 0, n: 150 }, { who: 1, n: 150 }]);
      await waitFor(() => threads.reduce((sum, c) => sum + c.checkpoints, 0) > 0);
      // Once a thread has copied the whole log, the next commit starts it over, cut back to its limit.
      const until = Date.now() + 5_000;
      for (;;) {
        await stores[0]!.run('INSERT INTO t VALUES (2, NULL)');
        if (fs.statSync(`${file}-wal`).size <= 50 * pageSize) break;
        if (Date.now() > until) throw new Error('the log was never copied whole');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const c of threads) await c.stop();
    } finally {
      for (const s of stores) await s.close();
    }
  });
});
