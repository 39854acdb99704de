/**
 * Where the account lists read their scores: the current scores (`scores`, kept fresh by every
 * event), or the daily history (`score_snapshots`) as of the end of an earlier UTC day. Both give
 * the same column expressions, so the filters, sorts, counts and export are written once.
 *
 * What the history holds: score, band and dimensions per account per day. The score change is
 * the difference with the snapshot one scoring window earlier. Velocity, flags and the tier
 * target are not kept per day, so an as-of list leaves them empty (the account page computes them
 * exactly for any instant from the raw events).
 */
import type { Engine, Store } from '@/lib/server/store';
import { DAY_MS } from '../aggregates';

export interface ScoreSource {
  /** the FROM clause: accounts `a`, the score row `s`, the override in force `o` */
  from: string;
  params: (number | string)[];
  /** the day of the history read, or null for the current scores */
  asOfDay: number | null;
  /** the instant the list stands at: overrides, churn and lifecycle stages are judged then */
  at: number;
  /**
   * A condition that holds when account `a` has no override in force (`o` is null), with its
   * parameters. Band filters say "no override" with it rather than with `o.band IS NULL`: with
   * `NOT EXISTS` PostgreSQL's planner estimates how many rows a band leaves from the statistics of
   * the band column, and walks the index of the sort key for a page instead of joining every
   * account. For `o.band IS NULL` it goes by the overrides table's own statistics (almost no null
   * bands there), and for a `coalesce` over it by a fixed guess of 0.5%: both far too few.
   */
  noOverride: { sql: string; params: number[] };
  col: {
    score: string;
    band: string;
    state: string;
    partial: string;
    velocity: string;
    scoreChange: string;
    belowTarget: string;
    dimensions: string;
    flags: string;
    /** the stored churn risk (current scores only: the history keeps none) */
    churnRisk: string;
  };
}

const IN_FORCE = (o: string) => `${o}.account_pk = a.pk AND ${o}.created_at <= ? AND ${o}.expires_at > ? AND (${o}.revoked_at IS NULL OR ${o}.revoked_at > ?)`;
const OVERRIDE_AT = `overrides o ON ${IN_FORCE('o')}`;
const noOverrideAt = (at: number): ScoreSource['noOverride'] => ({ sql: `NOT EXISTS (SELECT 1 FROM overrides x WHERE ${IN_FORCE('x')})`, params: [at, at, at] });

export function liveSource(now = Date.now()): ScoreSource {
  return {
    from: `accounts a LEFT JOIN scores s ON s.account_pk = a.pk LEFT JOIN ${OVERRIDE_AT}`,
    params: [now, now, now],
    asOfDay: null,
    at: now,
    noOverride: noOverrideAt(now),
    col: {
      score: 's.score', band: 's.band', state: 's.state', partial: 's.partial', velocity: 's.velocity', scoreChange: 's.score_change',
      belowTarget: 's.below_target', dimensions: 's.dimensions', flags: 's.flags', churnRisk: 's.churn_risk',
    },
  };
}

/**
 * The scores at the end of `day` (days since the epoch, UTC) from the daily history. `previous`:
 * also join the snapshot one window earlier for the score change, when it sorts the list (for the
 * page shown it is read afterwards, `pageDimensions`).
 */
export function historySource(engine: Engine, day: number, windowDays: number, previous = true): ScoreSource {
  const at = (day + 1) * DAY_MS;
  // One day of every account lies together in the (day, account, band, score) index, so reading
  // it from there touches a few pages; the primary key would visit a page per account (plus
  // the row). The dimensions are read afterwards for the page shown only (`pageDimensions`).
  // SQLite is told so; PostgreSQL's planner picks the index (an index-only scan) by itself.
  const indexed = engine === 'sqlite' ? ` INDEXED BY ${DAY_INDEX}` : '';
  return {
    from: `accounts a LEFT JOIN score_snapshots s${indexed} ON s.account_pk = a.pk AND s.day = ?
      ${previous ? `LEFT JOIN score_snapshots p${indexed} ON p.account_pk = a.pk AND p.day = ?` : ''}
      LEFT JOIN ${OVERRIDE_AT}`,
    params: previous ? [day, day - windowDays, at, at, at] : [day, at, at, at],
    asOfDay: day,
    at,
    noOverride: noOverrideAt(at),
    col: {
      score: 's.score',
      band: 's.band',
      state: `(CASE WHEN s.score IS NULL THEN 'no_data' ELSE 'scored' END)`,
      partial: '0',
      velocity: 'NULL',
      scoreChange: previous ? '(round((s.score - p.score) * 10) / 10)' : 'NULL',
      belowTarget: '0',
      dimensions: 'NULL',
      flags: 'NULL',
      churnRisk: 'NULL',
    },
  };
}

const DAY_INDEX = 'score_snapshots_day_account_idx';

export interface PageDetail {
  dimensions: Record<string, number | null>;
  partial: boolean;
  scoreChange?: number | null;
}

/**
 * The dimensions of a page of accounts on one day of the history, whether each score was partial
 * (a dimension without data is stored as null), and with `previousDay` the score change since then.
 */
export async function pageDimensions(db: Store, day: number, pks: number[], previousDay: number | null = null): Promise<Map<number, PageDetail>> {
  const out = new Map<number, PageDetail>();
  if (!pks.length) return out;
  const rows = await db.all<{ pk: number; score: number | null; dimensions: string | null; previous: number | null }>(
    `SELECT s.account_pk AS pk, s.score, s.dimensions, ${previousDay === null ? 'NULL' : 'p.score'} AS previous
     FROM score_snapshots s ${previousDay === null ? '' : 'LEFT JOIN score_snapshots p ON p.account_pk = s.account_pk AND p.day = ?'}
     WHERE s.day = ? AND ${db.dialect.inJsonArray('s.account_pk', 'int')}`,
    [...(previousDay === null ? [] : [previousDay]), day, JSON.stringify(pks)],
  );
  for (const r of rows) {
    const dimensions = r.dimensions ? (JSON.parse(r.dimensions) as Record<string, number | null>) : {};
    const detail: PageDetail = { dimensions, partial: r.score !== null && Object.values(dimensions).some((v) => v === null) };
    if (previousDay !== null) detail.scoreChange = r.score === null || r.previous === null ? null : Math.round((r.score - r.previous) * 10) / 10;
    out.set(r.pk, detail);
  }
  return out;
}

/** `YYYY-MM-DD` to its day number; null when it is today or later (the current scores apply). */
export function historyDayOf(asOf: string | undefined, now = Date.now()): number | null {
  if (!asOf) return null;
  const day = Math.floor(Date.parse(`${asOf}T00:00:00Z`) / DAY_MS);
  return day >= Math.floor(now / DAY_MS) ? null : day;
}

export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The first and last day of the daily history (nulls when it is empty). Asked as two subqueries:
 * SQLite answers a lone `min()` or `max()` from the end of an index, but both in one SELECT
 * scan the whole table (a quarter of a second on 3.2 M snapshots).
 */
export async function historyRange(db: Store): Promise<{ first: number | null; last: number | null }> {
  return (await db.get<{ first: number | null; last: number | null }>(
    'SELECT (SELECT min(day) FROM score_snapshots) AS first, (SELECT max(day) FROM score_snapshots) AS last',
  ))!;
}
