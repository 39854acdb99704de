/**
 * Portfolio trends from the daily score snapshots: mean score and band counts over time, band
 * migration between two days, model-version markers. Only accounts that were customers on a
 * day count for it (started by its end, not churned by then).
 */
import type { BandInfo } from '@/lib/bands';
import { migrationMatrix, sampleDays, trendSeries, type MigrationMatrix, type MigrationPair, type SnapshotCell, type TrendPoint } from '@/lib/analytics/trends';
import { isoDate } from '@/lib/analytics/cohort';
import { MAX_TREND_DAYS, type TrendQuery } from '@/lib/analytics/params';
import type { SqlParam, Store } from '@/lib/server/store';
import { DAY_MS, dayOf } from '../aggregates';
import { AppError } from '../errors';
import { complianceView, type ComplianceView } from '@/lib/analytics/compliance';
import { accountWhere, listOwners } from './accounts';
import { cadenceCompliance } from './cadence';
import { liveBands } from './model';
import { modelVersionMarkers } from './timeline';
import { historyRange } from './score-source';

export interface TrendsAnswer {
  from: string;
  to: string;
  /** the first and last day with history (the bounds of the date pickers) */
  firstDate: string | null;
  lastDate: string | null;
  /** days between points: 1, or 7 over long ranges */
  step: number;
  points: TrendPoint[];
  migration: MigrationMatrix;
  versions: { version: number; publishedAt: string; note: string | null }[];
  bands: BandInfo[];
  owners: string[];
}

const toDate = (day: number) => isoDate(day * DAY_MS);
const toDay = (date: string) => dayOf(Date.parse(`${date}T00:00:00Z`));

/** Tier, owner and (today's) lifecycle stage, as on the accounts page; churned accounts included. */
function filterSql(db: Store, query: TrendQuery): { sql: string; params: SqlParam[] } {
  const { sql, params } = accountWhere(db, { tier: query.tier, owner: query.owner, stage: query.stage, includeChurned: true });
  return { sql: sql ? `AND ${sql.slice('WHERE '.length)}` : '', params };
}

/** Active at the end of a day: started by then (or, without a start date, scored) and not churned. */
const ACTIVE = (day: string) => `(a.started_at < (${day} + 1) * ${DAY_MS} OR a.started_at IS NULL) AND (a.churned_at IS NULL OR a.churned_at >= (${day} + 1) * ${DAY_MS})`;

export async function portfolioTrends(db: Store, query: TrendQuery): Promise<TrendsAnswer> {
  const [range, bands] = await Promise.all([
    historyRange(db),
    liveBands(db),
  ]);
  const lastDay = range.last ?? dayOf(Date.now());
  const firstDay = range.first ?? lastDay;
  const to = query.to ? toDay(query.to) : lastDay;
  const from = query.from ? toDay(query.from) : Math.max(firstDay, to - 364);
  if (from > to) throw new AppError('invalid', '"from" is after "to"', [{ path: 'from', message: 'must not be after "to"' }]);
  if (to - from + 1 > MAX_TREND_DAYS) {
    throw new AppError('invalid', `The period is longer than ${MAX_TREND_DAYS} days`, [{ path: 'from', message: `must be at most ${MAX_TREND_DAYS} days before "to"` }]);
  }
  const days = sampleDays(from, to);
  const filter = filterSql(db, query);

  const [cells, pairRows, versions, owners] = await Promise.all([
    db.all<SnapshotCell>(
      `SELECT h.day, h.band, count(*) AS accounts, coalesce(sum(h.score), 0) AS scoreSum
       FROM score_snapshots h JOIN accounts a ON a.pk = h.account_pk
       WHERE ${db.dialect.inJsonArray('h.day', 'int')} AND ${ACTIVE('h.day')} ${filter.sql}
       GROUP BY h.day, h.band`,
      [JSON.stringify(days), ...filter.params],
    ),
    db.all<{ from_band: string | null; to_band: string | null; arr: number; churned: number }>(
      `SELECT f.band AS from_band, t.band AS to_band, a.arr,
         CASE WHEN a.churned_at IS NOT NULL AND a.churned_at < (CAST(? AS bigint) + 1) * ${DAY_MS} THEN 1 ELSE 0 END AS churned
       FROM accounts a
       LEFT JOIN score_snapshots f ON f.account_pk = a.pk AND f.day = ?
       LEFT JOIN score_snapshots t ON t.account_pk = a.pk AND t.day = ?
       WHERE (a.started_at IS NOT NULL OR f.account_pk IS NOT NULL) AND ${ACTIVE('CAST(? AS bigint)')} ${filter.sql}`,
      [to, from, to, from, from, ...filter.params],
    ),
    modelVersionMarkers(db),
    listOwners(db),
  ]);
  const pairs = pairRows.map((r): MigrationPair => ({ from: r.from_band, to: r.to_band, churned: r.churned === 1, arr: r.arr }));

  return {
    from: toDate(from),
    to: toDate(to),
    firstDate: range.first === null ? null : toDate(range.first),
    lastDate: range.last === null ? null : toDate(range.last),
    step: days.length > 1 ? days[1]! - days[0]! : 1,
    points: trendSeries(cells, days, bands),
    migration: migrationMatrix(pairs, bands),
    versions,
    bands,
    owners,
  };
}

export interface TrendsPageAnswer extends TrendsAnswer {
  /** cadence compliance today, of the accounts the filters select */
  compliance: ComplianceView;
}

/** The Trends page: the trends over the period, and how the accounts keep their cadence today. */
export async function trendsPage(db: Store, query: TrendQuery, now = Date.now()): Promise<TrendsPageAnswer> {
  const [trends, cells] = await Promise.all([portfolioTrends(db, query), cadenceCompliance(db, now, { tier: query.tier, owner: query.owner, stage: query.stage })]);
  return { ...trends, compliance: complianceView(cells) };
}
