/** Group commit: batches that arrive together share a transaction but keep their own answers. */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import { SqliteStore, sqliteStore, type Store } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import * as events from './commands/events';
import { upsertAccounts } from './commands/accounts';
import { prepareDatabase } from './commands/catalogue';
import { AppError } from './errors';
import { ingestIsBusy, ingestQueue, writeLockFree } from './ingest-queue';

const batch = (accountId: string, n: number) => async () =>
  Array.from({ length: n }, () => eventSchema.parse({ accountId, type: 'product.login', occurredAt: new Date(Date.now() - 86_400_000).toISOString() }));

describeEngines('the ingest queue', (t) => {
  let db: Store;
  beforeEach(async () => {
    db = t.store;
    await prepareDatabase(db);
    await upsertAccounts(db, [{ id: 'A', name: 'A' }]);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    // The background rescore the queue asked for: done before the database goes.
    await vi.waitFor(async () => expect(await db.value('SELECT count(*) FROM rescore_pending')).toBe(0), { timeout: 2_000, interval: 5 });
  });
  const count = async (sql: string) => db.value<number>(sql);

  it('writes batches sent together in one group, each answered on its own', async () => {
    const group = vi.spyOn(events, 'ingestEventGroup');
    const queue = ingestQueue(db);
    const answers = await Promise.allSettled([queue.submit(batch('A', 2), {}), queue.submit(batch('NOPE', 1), {}), queue.submit(batch('A', 3), {})]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[0] as PromiseFulfilledResult<events.IngestResult>).value).toMatchObject({ accepted: 2 });
    expect((answers[1] as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    expect(group).toHaveBeenCalledTimes(1);
    expect(await count('SELECT count(*) FROM events')).toBe(5);
    expect(ingestIsBusy()).toBe(true);
  });

  it('rescores the accounts a batch touched just after its commit, in the background', async () => {
    const queue = ingestQueue(db);
    const pending = () => count('SELECT count(*) FROM rescore_pending');
    const score = () => count("SELECT touchpoints FROM scores WHERE account_pk = (SELECT pk FROM accounts WHERE id = 'A')");
    await queue.submit(batch('A', 3), {});
    // Answered after the commit: the events are stored, the account listed for rescoring.
    expect(await count('SELECT count(*) FROM events')).toBe(3);
    await vi.waitFor(async () => {
      expect(await pending()).toBe(0);
      expect(await score()).toBe(3);
    }, { timeout: 2_000, interval: 5 });
  });

  it('answers a batch that fails to read with its own error and writes the others', async () => {
    const queue = ingestQueue(db);
    const bad = queue.submit(async () => {
      throw new AppError('too_large', 'too big');
    }, {});
    await expect(bad).rejects.toThrow('too big');
    await expect(queue.submit(batch('A', 1), {})).resolves.toMatchObject({ accepted: 1 });
  });
});

describeEngines('waiting for the write lock', (t) => {
  it("waits while another connection holds SQLite's write lock, without blocking the event loop", async () => {
    const other = sqliteStore(t.url);
    try {
      let released = false;
      const held = other.tx(async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        released = true;
      });
      const ticks = setInterval(() => {}, 1);
      const started = Date.now();
      await writeLockFree(t.store);
      clearInterval(ticks);
      expect(released).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(25);
      await held;
      // Within a transaction of its own connection, it does not probe (the write waits its turn).
      await t.store.tx(async () => {
        await writeLockFree(t.store);
        expect((t.store as SqliteStore).client.inTransaction).toBe(true);
      });
    } finally {
      await other.close();
    }
  });
}, { engines: ['sqlite'] });
