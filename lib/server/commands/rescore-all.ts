import type { Store } from '@/lib/server/store';
import { refreshChurnStatus } from './accounts';
import { rebuildHistory } from './history';
import { markRescorePending, settlePending } from './rescore-pending';
import { fitChurnRisk } from './risk';
import { rescore } from './scores';

export type Progress = (phase: 'current scores' | 'daily history', done: number, total: number) => void;

/**
 * After bulk loads (seed, imports) or with `npm run rescore`: churn status from outcomes, every
 * current score, and the daily history, all with the live model, then the churn risk fitted on
 * that history (when it holds enough outcomes). `toDay` bounds the history for data that ended
 * long ago (otherwise it runs to today).
 */
export async function rescoreEverything(db: Store, options: { onProgress?: Progress; fromDay?: number; toDay?: number; history?: boolean; writeChunk?: number } = {}) {
  const lastEvent = (await db.value<number | null>('SELECT max(pk) FROM events')) ?? 0;
  await refreshChurnStatus(db);
  const current = await rescore(db, { writeChunk: options.writeChunk, onProgress: (d, t) => options.onProgress?.('current scores', d, t) });
  // A server may have written events while this pass ran, for accounts this pass had already
  // done: those accounts are listed again and, with any others waiting until now, rescored (by the
  // server when one runs, else here), so that nothing is left stale when this returns.
  const since = await db.column<number>('SELECT DISTINCT account_pk FROM events WHERE pk > ?', [lastEvent]);
  const listedAt = Date.now();
  if (since.length) await db.tx((tx) => markRescorePending(tx, since, listedAt));
  await settlePending(db, { queuedUpTo: listedAt });
  const history = options.history === false
    ? null
    : await rebuildHistory(db, { fromDay: options.fromDay, toDay: options.toDay, onProgress: (d, t) => options.onProgress?.('daily history', d, t) });
  const risk = history === null ? null : await fitChurnRisk(db);
  return { current, history, risk };
}
