/**
 * Portfolio trends from the daily score snapshots: mean score and band counts over time, band
 * migration between two days, model-version markers. Only accounts that were customers on a
 * day count for it (started by its end, not churned by then).
 */
import type { Db } from '@/db/open';
import type { BandInfo } from '@/lib/bands';
import { migrationMatrix, sampleDays, trendSeries, type MigrationMatrix, type MigrationPair, type SnapshotCell, type TrendPoint } from '@/lib/analytics/trends';
import { isoDate } from '@/lib/analytics/cohort';
import { MAX_TREND_DAYS, type TrendQuery } from '@/lib/analytics/params';
import { AppError } from '../errors';
import { DAY_MS, dayOf } from '../commands/aggregates';
import { accountWhere, listOwners } from './accounts';
import { liveBands } from './model';
import { modelVersionMarkers } from './timeline';

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
function filterSql(query: TrendQuery): { sql: string; params: unknown[] } {
  const { sql, params } = accountWhere({ tier: query.tier, owner: query.owner, stage: query.stage, includeChurned: true });
  return { sql: sql ? `AND ${sql.slice('WHERE '.length)}` : '', params };
}

/** Active at the end of a day: started by then (or, without a start date, scored) and not churned. */
const ACTIVE = (day: string) => `(a.started_at < (${day} + 1) * ${DAY_MS} OR a.started_at IS NULL) AND (a.churned_at IS NULL OR a.churned_at >= (${day} + 1) * ${DAY_MS})`;

export function portfolioTrends(db: Db, query: TrendQuery): TrendsAnswer {
  const c = db.$client;
  const range = c.prepare('SELECT min(day) AS first, max(day) AS last FROM score_snapshots').get() as { first: number | null; last: number | null };
  const bands = liveBands(db);
  const lastDay = range.last ?? dayOf(Date.now());
  const firstDay = range.first ?? lastDay;
  const to = query.to ? toDay(query.to) : lastDay;
  const from = query.from ? toDay(query.from) : Math.max(firstDay, to - 364);
  if (from > to) throw new AppError('invalid', '"from" is after "to"', [{ path: 'from', message: 'must not be after "to"' }]);
  if (to - from + 1 > MAX_TREND_DAYS) {
    throw new AppError('invalid', `The period is longer than ${MAX_TREND_DAYS} days`, [{ path: 'from', message: `must be at most ${MAX_TREND_DAYS} days before "to"` }]);
  }
  const days = sampleDays(from, to);
  const filter = filterSql(query);

  const cells = c
    .prepare(
      `SELECT h.day, h.band, count(*) AS accounts, coalesce(sum(h.score), 0) AS scoreSum
       FROM score_snapshots h JOIN accounts a ON a.pk = h.account_pk
       WHERE h.day IN (${days.map(() => '?').join(',')}) AND ${ACTIVE('h.day')} ${filter.sql}
       GROUP BY h.day, h.band`,
    )
    .all(...days, ...filter.params) as SnapshotCell[];

  const pairs = (
    c
      .prepare(
        `SELECT f.band AS from_band, t.band AS to_band, a.arr, a.churned_at IS NOT NULL AND a.churned_at < (? + 1) * ${DAY_MS} AS churned
         FROM accounts a
         LEFT JOIN score_snapshots f ON f.account_pk = a.pk AND f.day = ?
         LEFT JOIN score_snapshots t ON t.account_pk = a.pk AND t.day = ?
         WHERE (a.started_at IS NOT NULL OR f.account_pk IS NOT NULL) AND ${ACTIVE('?')} ${filter.sql}`,
      )
      .all(to, from, to, from, from, ...filter.params) as { from_band: string | null; to_band: string | null; arr: number; churned: number }[]
  ).map((r): MigrationPair => ({ from: r.from_band, to: r.to_band, churned: r.churned === 1, arr: r.arr }));

  return {
    from: toDate(from),
    to: toDate(to),
    firstDate: range.first === null ? null : toDate(range.first),
    lastDate: range.last === null ? null : toDate(range.last),
    step: days.length > 1 ? days[1]! - days[0]! : 1,
    points: trendSeries(cells, days, bands),
    migration: migrationMatrix(pairs, bands),
    versions: modelVersionMarkers(db),
    bands,
    owners: listOwners(db),
  };
}
