/**
 * Worker thread of `scoring-workers.ts`: its own read-only connection to the SQLite file,
 * loading and scoring the chunks of accounts it is sent; the parent thread writes the results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@/db/open';
import { SqliteStore } from '@/lib/server/store';
import { historyBatch, type HistoryContext } from './history';
import { scoreAccounts, type RescoreContext } from './scores';

export type WorkerTask = { kind: 'rescore'; ctx: RescoreContext; pks: number[] } | { kind: 'history'; ctx: HistoryContext; pks: number[] };

const db = new SqliteStore(openDatabase((workerData as { file: string }).file, { readonly: true }).$client);
const port = parentPort!;

async function run(task: WorkerTask): Promise<unknown> {
  const t0 = performance.now();
  if (task.kind === 'rescore') {
    const phases = { loadMs: 0, scoreMs: 0 };
    const accounts = await scoreAccounts(db, task.ctx, task.pks, phases);
    return { accounts, phases };
  }
  return { batch: await historyBatch(db, task.ctx, task.pks), ms: performance.now() - t0 };
}

// Tasks are answered in the order they came (the parent counts what it has in flight).
let queue = Promise.resolve();
port.on('message', (task: WorkerTask) => {
  queue = queue.then(() =>
    run(task).then(
      (result) => port.postMessage(result),
      (error: unknown) => {
        // An error thrown here ends the thread with it: the parent fails the whole run.
        setImmediate(() => {
          throw error;
        });
      },
    ),
  );
});
