/** Group commit: batches that arrive together share a transaction but keep their own answers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/db/open';
import { eventSchema } from '@/lib/ingest/schemas';
import { createTempDb } from '@/lib/testing/temp-db';
import * as events from './commands/events';
import { upsertAccounts } from './commands/accounts';
import { prepareDatabase } from './commands/catalogue';
import { AppError } from './errors';
import { ingestIsBusy, ingestQueue } from './ingest-queue';

let db: Db;
let cleanup: () => void;
beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
  upsertAccounts(db, [{ id: 'A', name: 'A' }]);
});
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

const batch = (accountId: string, n: number) => async () =>
  Array.from({ length: n }, () => eventSchema.parse({ accountId, type: 'product.login', occurredAt: new Date(Date.now() - 86_400_000).toISOString() }));

describe('the ingest queue', () => {
  it('writes batches sent together in one group, each answered on its own', async () => {
    const group = vi.spyOn(events, 'ingestEventGroup');
    const queue = ingestQueue(db);
    const answers = await Promise.allSettled([queue.submit(batch('A', 2), {}), queue.submit(batch('NOPE', 1), {}), queue.submit(batch('A', 3), {})]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[0] as PromiseFulfilledResult<events.IngestResult>).value).toMatchObject({ accepted: 2 });
    expect((answers[1] as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    expect(group).toHaveBeenCalledTimes(1);
    expect(db.$client.prepare('SELECT count(*) FROM events').pluck().get()).toBe(5);
    expect(ingestIsBusy()).toBe(true);
  });

  it('rescores the accounts a batch touched just after its commit, in the background', async () => {
    const queue = ingestQueue(db);
    const pending = () => db.$client.prepare('SELECT count(*) FROM rescore_pending').pluck().get() as number;
    const score = () => db.$client.prepare("SELECT touchpoints FROM scores WHERE account_pk = (SELECT pk FROM accounts WHERE id = 'A')").pluck().get() as number | undefined;
    await queue.submit(batch('A', 3), {});
    // Answered after the commit: the events are stored, the account listed for rescoring.
    expect(db.$client.prepare('SELECT count(*) FROM events').pluck().get()).toBe(3);
    await vi.waitFor(() => {
      expect(pending()).toBe(0);
      expect(score()).toBe(3);
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
