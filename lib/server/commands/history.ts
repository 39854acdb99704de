/**
 * Daily score history: one snapshot per account per day, the score as of the end of that UTC
 * day. Rebuilt for the whole event history by `npm run rescore` and after every model publish.
 */
import type { Db } from '@/db/open';
import { propTypesOf, scoreSeries, typesReadBy, type FeatureInfo, type Model, type SeriesPoint } from '@/lib/scoring';
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
export const ACCOUNTS_PER_BATCH = 250;
/** Rows per statement: 6 columns x 256 rows, far below SQLite's parameter limit. */
const ROWS_PER_STATEMENT = 256;

export function historyRange(db: Db, options: Pick<HistoryOptions, 'fromDay' | 'toDay'> = {}): { fromDay: number; toDay: number } {
  const first = db.$client.prepare('SELECT min(first_at) FROM account_activity').pluck().get() as number | null;
  const toDay = options.toDay ?? dayOf(Date.now());
  const fromDay = options.fromDay ?? (first === null ? toDay : dayOf(first));
  return { fromDay, toDay };
}

/** What computing a batch of history needs: plain data, so worker threads can get it too. */
export interface HistoryContext {
  model: Model;
  version: number;
  catalogue: FeatureInfo[];
  fromDay: number;
  toDay: number;
}

/** A batch's snapshots, ready to write: rows day by day (SNAPSHOT_COLUMNS, flat). */
export interface HistoryBatch {
  /** [account pk, first day with a snapshot] per account */
  firstDays: [number, number][];
  rows: unknown[];
  snapshots: number;
}

export function historyContext(db: Db, options: Pick<HistoryOptions, 'fromDay' | 'toDay'> = {}): HistoryContext {
  const live = ensureLiveModel(db);
  return { model: live.model, version: live.version, catalogue: loadCatalogue(db), ...historyRange(db, options) };
}

/** Loads and scores every day of a batch of accounts. */
export function historyBatch(db: Db, ctx: HistoryContext, part: readonly number[]): HistoryBatch {
  const { model, catalogue, fromDay, toDay } = ctx;
  const toJson = dimensionsJson(model.dimensions.map((d) => d.key));
  // A history point needs its own window only (no previous window, no flags).
  const inputs = loadScoringInputs(db, { accountPks: part, fromDay: fromDay - model.windowDays, toDay: toDay + 1, propTypes: propTypesOf(model), types: typesReadBy(model) });
  const series: { pk: number; first: number; points: SeriesPoint[] }[] = [];
  let snapshots = 0;
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
  // Rows go out day by day: the day index then grows in runs instead of one row at a time all
  // over the tree.
  const rows: unknown[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    for (const a of series) {
      const p = a.points[day - a.first];
      if (p) rows.push(a.pk, day, ctx.version, p.score, p.band?.key ?? null, p.state === 'scored' ? toJson(p.dimensions) : null);
    }
  }
  return { firstDays: series.map((a) => [a.pk, a.first]), rows, snapshots };
}

/** Writes computed batches, each in one transaction. */
export class HistoryWriter {
  private readonly upsertFull;
  private readonly clear;

  constructor(
    private readonly db: Db,
    private readonly fromDay: number,
  ) {
    this.upsertFull = db.$client.prepare(upsertSql(ROWS_PER_STATEMENT));
    this.clear = db.$client.prepare('DELETE FROM score_snapshots WHERE account_pk = ? AND day >= ? AND day < ?');
  }

  write(batch: HistoryBatch): void {
    const width = SNAPSHOT_COLUMNS.length;
    const step = ROWS_PER_STATEMENT * width;
    const { rows } = batch;
    this.db.transaction(() => {
      // Days before an account existed have no snapshot.
      for (const [pk, first] of batch.firstDays) this.clear.run(pk, this.fromDay, first);
      // Upserts rewrite existing rows in place (the indexes stay as they are).
      let i = 0;
      for (; i + step <= rows.length; i += step) this.upsertFull.run(rows.slice(i, i + step));
      if (i < rows.length) this.db.$client.prepare(upsertSql((rows.length - i) / width)).run(rows.slice(i));
    });
  }
}

const upsertSql = (rows: number) => upsertRowsSql('score_snapshots', SNAPSHOT_COLUMNS, 'account_pk, day', rows);

export function rebuildHistory(db: Db, options: HistoryOptions = {}): { snapshots: number; days: number; accounts: number; ms: number } {
  const started = performance.now();
  const ctx = historyContext(db, options);
  const pks = options.accountPks ?? (db.$client.prepare('SELECT pk FROM accounts ORDER BY pk').pluck().all() as number[]);
  const writer = new HistoryWriter(db, ctx.fromDay);
  let snapshots = 0;
  for (let i = 0; i < pks.length; i += ACCOUNTS_PER_BATCH) {
    const batch = historyBatch(db, ctx, pks.slice(i, i + ACCOUNTS_PER_BATCH));
    writer.write(batch);
    snapshots += batch.snapshots;
    options.onProgress?.(Math.min(pks.length, i + ACCOUNTS_PER_BATCH), pks.length);
  }
  return { snapshots, days: ctx.toDay - ctx.fromDay + 1, accounts: pks.length, ms: performance.now() - started };
}
