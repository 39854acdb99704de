/**
 * Daily score history: one snapshot per account per day, the score as of the end of that UTC
 * day. Rebuilt for the whole event history by `npm run rescore` and after every model publish.
 */
import type { Db } from '@/db/open';
import { scoreAccount } from '@/lib/scoring';
import { DAY_MS, dayOf } from './aggregates';
import { dimensionScores } from './scores';
import { ensureLiveModel } from './model';
import { loadCatalogue, loadScoringInputs } from '../queries/scoring-inputs';

export interface HistoryOptions {
  /** first day to rebuild (default: the day of the earliest event) */
  fromDay?: number;
  /** last day to rebuild, inclusive (default: today) */
  toDay?: number;
  accountPks?: number[];
  onProgress?: (done: number, total: number) => void;
}

const ACCOUNTS_PER_BATCH = 250;

export function historyRange(db: Db, options: Pick<HistoryOptions, 'fromDay' | 'toDay'> = {}): { fromDay: number; toDay: number } {
  const first = db.$client.prepare('SELECT min(first_at) FROM account_activity').pluck().get() as number | null;
  const toDay = options.toDay ?? dayOf(Date.now());
  const fromDay = options.fromDay ?? (first === null ? toDay : dayOf(first));
  return { fromDay, toDay };
}

export function rebuildHistory(db: Db, options: HistoryOptions = {}): { snapshots: number; days: number; accounts: number; ms: number } {
  const started = performance.now();
  const live = ensureLiveModel(db);
  const model = live.model;
  const { fromDay, toDay } = historyRange(db, options);
  const c = db.$client;
  const pks = options.accountPks ?? (c.prepare('SELECT pk FROM accounts ORDER BY pk').pluck().all() as number[]);
  const catalogue = loadCatalogue(db);
  const span = 2 * model.windowDays + 1;
  const del = c.prepare('DELETE FROM score_snapshots WHERE account_pk = ? AND day >= ? AND day <= ?');
  const insert = c.prepare('INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES (?, ?, ?, ?, ?, ?)');
  let snapshots = 0;

  for (let i = 0; i < pks.length; i += ACCOUNTS_PER_BATCH) {
    const part = pks.slice(i, i + ACCOUNTS_PER_BATCH);
    const inputs = loadScoringInputs(db, { accountPks: part, fromDay: fromDay - span, toDay: toDay + 1 });
    db.transaction(() => {
      for (const pk of part) {
        del.run(pk, fromDay, toDay);
        const input = inputs.get(pk);
        if (!input) continue;
        const { startedAt } = input.profile;
        const firstAt = input.activity.firstActivityAt;
        const born = Math.min(startedAt ?? Infinity, firstAt ?? Infinity);
        if (born === Infinity) continue;
        for (let day = Math.max(fromDay, dayOf(born)); day <= toDay; day++) {
          const r = scoreAccount({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity, asOf: (day + 1) * DAY_MS, detail: 'score' });
          insert.run(pk, day, live.version, r.score, r.band?.key ?? null, r.state === 'scored' ? JSON.stringify(dimensionScores(r)) : null);
          snapshots += 1;
        }
      }
    });
    options.onProgress?.(Math.min(pks.length, i + ACCOUNTS_PER_BATCH), pks.length);
  }
  return { snapshots, days: toDay - fromDay + 1, accounts: pks.length, ms: performance.now() - started };
}
