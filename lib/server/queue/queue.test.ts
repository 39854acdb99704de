import { expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { PostgresStore } from '@/lib/server/store';
import { enqueue, startQueueWorker, TASKS, type TaskHandlers, type TaskName } from '.';

async function waitFor(check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const jobs = (store: PostgresStore) => store.all<{ task: string; key: string | null }>(
  'SELECT t.identifier AS task, j.key FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id ORDER BY j.id',
);

describeEngines('the job queue', (t) => {
  it('adds a job only when the transaction that announces it commits, and one per kind while it waits', async () => {
    const store = t.store as PostgresStore;
    await store.tx(async (tx) => {
      await enqueue(tx, 'rescore');
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await jobs(store)).toEqual([]);
    await store.tx(async (tx) => {
      await enqueue(tx, 'rescore');
      await enqueue(tx, 'rescore');
    });
    await enqueue(store, 'rescore');
    await enqueue(store, 'webhooks');
    expect(await jobs(store)).toEqual([{ task: 'rescore', key: 'trellis:rescore' }, { task: 'webhooks', key: 'trellis:webhooks' }]);
  });

  it('wakes a worker that runs the task, once per announcement that found none waiting', async () => {
    const store = t.store as PostgresStore;
    const ran: TaskName[] = [];
    const handlers = Object.fromEntries(TASKS.map((name) => [name, async () => void ran.push(name)])) as TaskHandlers;
    const runner = await startQueueWorker(store.pool, handlers, { concurrency: 2 });
    try {
      await enqueue(store, 'rescore');
      await enqueue(store, 'publish');
      await waitFor(() => ran.length >= 2);
      expect([...ran].sort()).toEqual(['publish', 'rescore']);
      await waitFor(() => false, 300).catch(() => undefined);
      expect(ran).toHaveLength(2);
      expect(await jobs(store)).toEqual([]);
    } finally {
      await runner.stop();
    }
  });

  it('retries a task that failed', async () => {
    const store = t.store as PostgresStore;
    let calls = 0;
    const handlers = Object.fromEntries(TASKS.map((name) => [name, async () => undefined])) as TaskHandlers;
    handlers.webhooks = async () => {
      calls++;
      throw new Error('remote down');
    };
    const runner = await startQueueWorker(store.pool, handlers);
    try {
      await enqueue(store, 'webhooks');
      await waitFor(() => calls >= 1);
      const failed = () => store.get<{ attempts: number; last_error: string | null }>('SELECT attempts, last_error FROM graphile_worker._private_jobs');
      // the failure is recorded just after the task throws; the job waits for its next attempt
      await expect.poll(async () => (await failed())?.last_error ?? null).toContain('remote down');
      expect(await failed()).toMatchObject({ attempts: 1 });
    } finally {
      await runner.stop();
    }
  });
}, { engines: ['postgres'] });

describeEngines('the job queue on SQLite', (t) => {
  it('is not used: announcing work does nothing', async () => {
    await expect(enqueue(t.store, 'rescore')).resolves.toBeUndefined();
  });
}, { engines: ['sqlite'] });
