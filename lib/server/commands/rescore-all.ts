import type { Db } from '@/db/open';
import { refreshChurnStatus } from './accounts';
import { rebuildHistory } from './history';
import { markRescorePending, settlePending } from './rescore-pending';
import { rescore } from './scores';

export type Progress = (phase: 'current scores' | 'daily history', done: number, total: number) => void;

/**
 * After bulk loads (seed, imports) or with `npm run rescore`: churn status from outcomes, every
 * current score, and the daily history, all with the live model. `toDay` bounds the history
 * for data that ended long ago (otherwise it runs to today).
 */
export function rescoreEverything(db: Db, options: { onProgress?: Progress; fromDay?: number; toDay?: number; history?: boolean; writeChunk?: number } = {}) {
  const c = db.$client;
  const lastEvent = (c.prepare('SELECT max(pk) FROM events').pluck().get() as number | null) ?? 0;
  refreshChurnStatus(db);
  const current = rescore(db, { writeChunk: options.writeChunk, onProgress: (d, t) => options.onProgress?.('current scores', d, t) });
  // A server may have written events while this pass ran and rescored their accounts before this
  // pass wrote its figures, read earlier, over them: those accounts are listed again and, with any
  // others waiting until now, rescored (by the server when one runs, else here), so that nothing
  // is left stale when this returns.
  const since = c.prepare('SELECT DISTINCT account_pk FROM events WHERE pk > ?').pluck().all(lastEvent) as number[];
  const listedAt = Date.now();
  if (since.length) db.transaction(() => markRescorePending(db, since, listedAt), { behavior: 'immediate' });
  settlePending(db, { queuedUpTo: listedAt });
  const history = options.history === false
    ? null
    : rebuildHistory(db, { fromDay: options.fromDay, toDay: options.toDay, onProgress: (d, t) => options.onProgress?.('daily history', d, t) });
  return { current, history };
}
