/**
 * Daily score history: one snapshot per account per day, the score as of the end of that UTC
 * day. Rebuilt for the whole event history by `npm run rescore` and after every model publish.
 */
import type { Db } from '@/db/open';
import { propTypesOf, scoreSeries, typesReadBy, type SeriesPoint } from '@/lib/scoring';
import { DAY_MS, dayOf } from './aggregates';
import { dimensionsJson, SNAPSHOT_COLUMNS, upsertRowsSql } from './score-writer';
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

/** Accounts loaded, scored and written together (a year of history: ~90,000 rows). */
const ACCOUNTS_PER_BATCH = 250;
/** Rows per statement: 6 columns x 256 rows, far below SQLite's parameter limit. */
const ROWS_PER_STATEMENT = 256;

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
  const types = typesReadBy(model);
  const toJson = dimensionsJson(model.dimensions.map((d) => d.key));
  // A history point needs its own window only (no previous window, no flags).
  const loadFrom = fromDay - model.windowDays;
  const upsertSql = (rows: number) => upsertRowsSql('score_snapshots', SNAPSHOT_COLUMNS, 'account_pk, day', rows);
  const upsertFull = c.prepare(upsertSql(ROWS_PER_STATEMENT));
  const clear = c.prepare('DELETE FROM score_snapshots WHERE account_pk = ? AND day >= ? AND day < ?');
  const width = SNAPSHOT_COLUMNS.length;
  let snapshots = 0;

  for (let i = 0; i < pks.length; i += ACCOUNTS_PER_BATCH) {
    const part = pks.slice(i, i + ACCOUNTS_PER_BATCH);
    const inputs = loadScoringInputs(db, { accountPks: part, fromDay: loadFrom, toDay: toDay + 1, propTypes, types });
    const series: { pk: number; first: number; points: SeriesPoint[] }[] = [];
    for (const pk of part) {
      const input = inputs.get(pk);
      const born = input ? Math.min(input.profile.startedAt ?? Infinity, input.activity.firstActivityAt ?? Infinity) : Infinity;
      const first = born === Infinity ? toDay + 1 : Math.max(fromDay, dayOf(born));
      const asOfs: number[] = [];
      for (let day = first; day <= toDay; day++) asOfs.push((day + 1) * DAY_MS);
      const points = input && asOfs.length ? scoreSeries({ model, profile: input.profile, contacts: input.contacts, catalogue, activity: input.activity }, asOfs) : [];
      series.push({ pk, first, points });
      snapshots += points.length;
    }
    db.transaction(() => {
      // Days before an account existed have no snapshot.
      for (const a of series) clear.run(a.pk, fromDay, a.first);
      // Upserts rewrite existing rows in place (the indexes stay as they are), and rows go out day
      // by day: the day index then grows in runs instead of one row at a time all over the tree.
      let rows: unknown[] = [];
      for (let day = fromDay; day <= toDay; day++) {
        for (const a of series) {
          const p = a.points[day - a.first];
          if (!p) continue;
          rows.push(a.pk, day, live.version, p.score, p.band?.key ?? null, p.state === 'scored' ? toJson(p.dimensions) : null);
          if (rows.length === ROWS_PER_STATEMENT * width) {
            upsertFull.run(rows);
            rows = [];
          }
        }
      }
      if (rows.length) c.prepare(upsertSql(rows.length / width)).run(rows);
    });
    options.onProgress?.(Math.min(pks.length, i + ACCOUNTS_PER_BATCH), pks.length);
  }
  return { snapshots, days: toDay - fromDay + 1, accounts: pks.length, ms: performance.now() - started };
}
