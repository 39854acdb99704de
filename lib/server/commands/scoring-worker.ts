/**
 * Worker thread of `scoring-workers.ts`: its own read-only connection to the database file,
 * loading and scoring the chunks of accounts it is sent; the parent thread writes the results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@/db/open';
import { historyBatch, type HistoryContext } from './history';
import { scoreAccounts, type RescoreContext } from './scores';

export type WorkerTask = { kind: 'rescore'; ctx: RescoreContext; pks: number[] } | { kind: 'history'; ctx: HistoryContext; pks: number[] };

const db = openDatabase((workerData as { file: string }).file, { readonly: true });
const port = parentPort!;

port.on('message', (task: WorkerTask) => {
  const t0 = performance.now();
  if (task.kind === 'rescore') {
    const phases = { loadMs: 0, scoreMs: 0 };
    let t = t0;
    const lap = (phase: keyof typeof phases) => {
      const t1 = performance.now();
      phases[phase] += t1 - t;
      t = t1;
    };
    const accounts = [...scoreAccounts(db, task.ctx, task.pks, lap).scored];
    port.postMessage({ accounts, phases });
  } else {
    port.postMessage({ batch: historyBatch(db, task.ctx, task.pks), ms: performance.now() - t0 });
  }
});
