import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/open';
import { checkpointInThread } from './checkpointer';

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
    expect(checkpointer.checkpoints).toBeGreaterThan(0);
    expect(client.prepare('SELECT count(*) FROM t').pluck().get()).toBe(rows);

    await checkpointer.stop();
    expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(100);
    client.close();
    // Everything committed is in the file: another connection reads it after the log is gone.
    const again = openDatabase(file).$client;
    expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(rows);
    again.close();
  });
});
