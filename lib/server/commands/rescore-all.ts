import type { Db } from '@/db/open';
import { refreshChurnStatus } from './accounts';
import { rebuildHistory } from './history';
import { rescore } from './scores';

export type Progress = (phase: 'current scores' | 'daily history', done: number, total: number) => void;

/**
 * After bulk loads (seed, imports) or with `npm run rescore`: churn status from outcomes, every
 * current score, and the daily history, all with the live model. `toDay` bounds the history
 * for data that ended long ago (otherwise it runs to today).
 */
export function rescoreEverything(db: Db, options: { onProgress?: Progress; fromDay?: number; toDay?: number; history?: boolean } = {}) {
  refreshChurnStatus(db);
  const current = rescore(db, { onProgress: (d, t) => options.onProgress?.('current scores', d, t) });
  const history = options.history === false
    ? null
    : rebuildHistory(db, { fromDay: options.fromDay, toDay: options.toDay, onProgress: (d, t) => options.onProgress?.('daily history', d, t) });
  return { current, history };
}
