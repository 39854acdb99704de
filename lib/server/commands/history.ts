/**
 * Daily score history: one snapshot per account per day, the score as of the end of that UTC
 * day. Rebuilt for the whole event history by `npm run rescore` and after every model publish.
 */
import type { Db } from '@/db/open';
import { propTypesOf, scoreSeries } from '@/lib/scoring';
import { DAY_MS, dayOf } from './aggregates';
import { dimensionsJson } from './score-writer';
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

const ACCOUNTS_PER_BATCH = 200;
/** Rows per INSERT: 6 columns x 256 rows, far below SQLite's parameter limit. */
const ROWS_PER_INSERT = 256;

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
  const propTypes = propTypesOf(model);
  const toJson = dimensionsJson(model.dimensions.map((d) => d.key));
  const span = 2 * model.windowDays + 1;
  const insertSql = (rows: number) =>
    `INSERT INTO score_snapshots (account_pk, day, model_version, score, band, dimensions) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`;
  const insertFull = c.prepare(insertSql(ROWS_PER_INSERT));
  let snapshots = 0;

  for (let i = 0; i < pks.length; i += ACCOUNTS_PER_BATCH) {
    const part = pks.slice(i, i + ACCOUNTS_PER_BATCH);
    const inputs = loadScoringInputs(db, { accountPks: part, fromDay: fromDay - span, toDay: toDay + 1, propTypes });
    db.transaction(() => {
      c.prepare(`DELETE FROM score_snapshots WHERE account_pk IN (${part.map(() => '?').join(',')}) AND day >= ? AND day <= ?`).run(...part, fromDay, toDay);
      const rows: unknown[] = [];
      const flush = (all: boolean) => {
        let k = 0;
        for (; rows.length - k >= ROWS_PER_INSERT * 6; k += ROWS_PER_INSERT * 6) insertFull.run(rows.slice(k, k + ROWS_PER_INSERT * 6));
        if (all && rows.length > k) c.prepare(insertSql((rows.length - k) / 6)).run(rows.slice(k));
        rows.splice(0, all ? rows.length : k);
      };
      for (const pk of part) {
        const input = inputs.get(pk);
        if (!input) continue;
        const { startedAt } = input.profile;
        const firstAt = input.activity.firstActivityAt;
        const born = Math.min(startedAt ?? Infinity, firstAt ?? Infinity);
        if (born === Infinity) continue;
        const asOfs: number[] = [];
        for (let day = Math.max(fromDay, dayOf(born)); day <= toDay; day++) asOfs.push((day + 1) * DAY_MS);
        for (const p of scoreSeries({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity }, asOfs)) {
          rows.push(pk, p.asOf / DAY_MS - 1, live.version, p.score, p.band?.key ?? null, p.state === 'scored' ? toJson(p.dimensions) : null);
        }
        snapshots += asOfs.length;
        flush(false);
      }
      flush(true);
    });
    options.onProgress?.(Math.min(pks.length, i + ACCOUNTS_PER_BATCH), pks.length);
  }
  return { snapshots, days: toDay - fromDay + 1, accounts: pks.length, ms: performance.now() - started };
}
