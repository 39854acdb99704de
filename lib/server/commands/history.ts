/**
 * Daily score history: one snapshot per account per day, the score as of the end of that UTC
 * day. Rebuilt for the whole event history by `npm run rescore` and after every model publish.
 */
import { activityDays, propTypesOf, scoreSeries, typesReadBy, type FeatureInfo, type Model, type SeriesPoint } from '@/lib/scoring';
import type { SqlParam, Store } from '@/lib/server/store';
import { DAY_MS, dayOf } from '../aggregates';
import { dimensionsJson, lockScores, SNAPSHOT_COLUMNS, upsertRowsSql } from './score-writer';
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
/** Rows per statement: 6 columns x 256 rows, far below either engine's parameter limit. */
const ROWS_PER_STATEMENT = 256;

export async function historyRange(db: Store, options: Pick<HistoryOptions, 'fromDay' | 'toDay'> = {}): Promise<{ fromDay: number; toDay: number }> {
  const first = (await db.value<number | null>('SELECT min(first_at) FROM account_activity')) ?? null;
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

export async function historyContext(db: Store, options: Pick<HistoryOptions, 'fromDay' | 'toDay'> = {}): Promise<HistoryContext> {
  const live = await ensureLiveModel(db);
  return { model: live.model, version: live.version, catalogue: await loadCatalogue(db), ...(await historyRange(db, options)) };
}

/** Loads and scores every day of a batch of accounts. */
export async function historyBatch(db: Store, ctx: HistoryContext, part: readonly number[]): Promise<HistoryBatch> {
  const { model, catalogue, fromDay, toDay } = ctx;
  const toJson = dimensionsJson(model.dimensions.map((d) => d.key));
  // A history point needs its own window only (no previous score, no flags), and what its measures reach back for.
  const inputs = await loadScoringInputs(db, {
    accountPks: part,
    fromDay: fromDay - activityDays(model, { previous: false }),
    toDay: toDay + 1,
    propTypes: propTypesOf(model),
    types: typesReadBy(model),
  });
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
  constructor(
    private readonly db: Store,
    private readonly fromDay: number,
  ) {}

  async write(batch: HistoryBatch): Promise<void> {
    const width = SNAPSHOT_COLUMNS.length;
    const step = ROWS_PER_STATEMENT * width;
    const { rows } = batch;
    // Days before an account existed have no snapshot: per first day, the accounts that begin after the range does.
    const late = new Map<number, number[]>();
    for (const [pk, first] of batch.firstDays) if (first > this.fromDay) late.set(first, [...(late.get(first) ?? []), pk]);
    await this.db.tx(async (tx) => {
      await lockScores(tx, batch.firstDays.map(([pk]) => pk));
      for (const [first, pks] of late) {
        await tx.run(`DELETE FROM score_snapshots WHERE ${tx.dialect.inJsonArray('account_pk', 'int')} AND day >= ? AND day < ?`, [JSON.stringify(pks), this.fromDay, first]);
      }
      // Upserts rewrite existing rows in place (the indexes stay as they are).
      for (let i = 0; i < rows.length; i += step) {
        const part = rows.slice(i, i + step) as SqlParam[];
        await tx.run(upsertSql(part.length / width), part);
      }
    });
  }
}

const upsertSql = (rows: number) => upsertRowsSql('score_snapshots', SNAPSHOT_COLUMNS, 'account_pk, day', rows);

export async function rebuildHistory(db: Store, options: HistoryOptions = {}): Promise<{ snapshots: number; days: number; accounts: number; ms: number }> {
  const started = performance.now();
  const ctx = await historyContext(db, options);
  const pks = options.accountPks ?? (await db.column<number>('SELECT pk FROM accounts ORDER BY pk'));
  const writer = new HistoryWriter(db, ctx.fromDay);
  let snapshots = 0;
  for (let i = 0; i < pks.length; i += ACCOUNTS_PER_BATCH) {
    const batch = await historyBatch(db, ctx, pks.slice(i, i + ACCOUNTS_PER_BATCH));
    await writer.write(batch);
    snapshots += batch.snapshots;
    options.onProgress?.(Math.min(pks.length, i + ACCOUNTS_PER_BATCH), pks.length);
  }
  return { snapshots, days: ctx.toDay - ctx.fromDay + 1, accounts: pks.length, ms: performance.now() - started };
}
