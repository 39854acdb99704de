/**
 * Account lists with their current scores: filters, sorts and keyset pagination (a cursor that
 * stays correct while scores change underneath, unlike offsets).
 */
import type { SqlParam, Store } from '@/lib/server/store';
import type { AccountSort } from '@/lib/account-filters';
import { AppError } from '../errors';
import { ensureLiveModel } from '../commands/model';
import { ingestIsBusy } from '../ingest-activity';
import { dataStamp, ReadCache } from './read-cache';
import { historyDayOf, historySource, liveSource, pageDimensions, type ScoreSource } from './score-source';

export interface AccountFilters {
  band?: string[];
  tier?: string[];
  owner?: string[];
  stage?: string[];
  flag?: string[];
  q?: string;
  belowTarget?: boolean;
  /** include accounts that have churned (left out by default) */
  includeChurned?: boolean;
  /** only accounts with at least one overdue cadence item (due before now, whatever `asOf` says) */
  overdue?: boolean;
  /** "now" for `overdue` (tests) */
  now?: number;
  sort?: AccountSort;
  /** `YYYY-MM-DD`: the scores at the end of that UTC day, from the daily history (today or later: current) */
  asOf?: string;
  limit?: number;
  cursor?: string | null;
}

/** Current scores, or the daily history when the filters ask for an earlier day. */
export async function scoreSourceFor(db: Store, filters: AccountFilters, options: { previous?: boolean } = {}): Promise<ScoreSource> {
  const day = historyDayOf(filters.asOf);
  return day === null ? liveSource() : historySource(db.engine, day, (await ensureLiveModel(db)).model.windowDays, options.previous ?? true);
}

export interface AccountListItem {
  id: string;
  name: string;
  tier: string | null;
  lifecycleStage: string | null;
  arr: number;
  owner: string | null;
  renewalDate: string | null;
  score: number | null;
  /** the computed band (an override does not change it) */
  band: string | null;
  /** a CSM's band override in force, if any */
  override: { band: string; expiresAt: string } | null;
  state: 'scored' | 'no_data';
  partial: boolean;
  velocity: number | null;
  scoreChange: number | null;
  belowTarget: boolean;
  dimensions: Record<string, number | null>;
  flags: { key: string; severity: 'red' | 'yellow' }[];
  /** the probability of churning within the risk model's horizon (null: no risk model, no score, or an earlier day) */
  churnRisk: number | null;
}

/** An account's earliest cadence due time; accounts without cadence items sort after every real time. */
const EARLIEST_DUE = '(SELECT coalesce(min(cs.due_at), 9000000000000000) FROM cadence_status cs WHERE cs.account_pk = a.pk)';

// Sort keys never null, so keyset comparisons work: accounts without a value sort last.
function sortExpr(sort: AccountSort, col: ScoreSource['col']): string {
  const last = sort.startsWith('-') ? '-1e9' : '1e9';
  switch (sort.replace(/^-/, '')) {
    case 'overdue': return EARLIEST_DUE;
    case 'score': return `coalesce(${col.score}, ${last})`;
    case 'velocity': return `coalesce(${col.velocity}, ${last})`;
    case 'scoreChange': return `coalesce(${col.scoreChange}, ${last})`;
    case 'arr': return 'a.arr';
    case 'risk': return `coalesce(${col.churnRisk}, ${last})`;
    case 'arrAtRisk': return `coalesce(${col.churnRisk} * a.arr, ${last})`;
    default: return 'a.name';
  }
}

const sortKind = (sort: AccountSort): 'number' | 'string' => (['score', 'velocity', 'scoreChange', 'arr', 'overdue', 'risk', 'arrAtRisk'].includes(sort.replace(/^-/, '')) ? 'number' : 'string');

function encodeCursor(value: number | string, pk: number): string {
  return Buffer.from(JSON.stringify([value, pk])).toString('base64url');
}

/** `kind`: the type of the sort key (a cursor of another sort compares text with numbers, which PostgreSQL refuses). */
function decodeCursor(cursor: string, kind: 'number' | 'string'): [number | string, number] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === kind && Number.isInteger(parsed[1])) {
      return parsed as [number | string, number];
    }
  } catch {
    // fall through
  }
  throw new AppError('invalid', 'The cursor is not valid; start again without it', [{ path: 'cursor', message: 'Use the nextCursor of a previous answer' }]);
}

/** A LIKE pattern for text containing `text` (its wildcards and backslashes taken literally). */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

function inList(column: string, values: string[] | undefined, where: string[], params: SqlParam[]) {
  if (!values?.length) return;
  where.push(`${column} IN (${values.map(() => '?').join(',')})`);
  params.push(...values);
}

/** The WHERE clause shared by the list, its counts and its export. */
export function accountWhere(db: Store, filters: AccountFilters, options: { skipBand?: boolean; source?: ScoreSource } = {}): { sql: string; params: SqlParam[] } {
  const source = options.source ?? liveSource();
  const { col } = source;
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (!options.skipBand && filters.band?.length) {
    // The band shown: the override's in force, else the computed one (coalesce(o.band, band)),
    // written so that PostgreSQL's planner can estimate it (see ScoreSource.noOverride).
    const bands = filters.band.filter((b) => b !== 'no_data');
    const marks = bands.map(() => '?').join(',');
    const computed: string[] = [];
    if (bands.length) computed.push(`${col.band} IN (${marks})`);
    if (filters.band.includes('no_data')) computed.push(`${col.state} IS NULL OR ${col.state} = 'no_data'`);
    const { noOverride } = source;
    where.push(`(((${computed.join(' OR ')}) AND ${noOverride.sql})${bands.length ? ` OR o.band IN (${marks})` : ''})`);
    params.push(...bands, ...noOverride.params, ...bands);
  }
  inList('a.tier', filters.tier, where, params);
  inList('a.owner_email', filters.owner, where, params);
  if (filters.stage?.length) {
    // The stage is explicit, or derived: onboarding for 90 days after the start, then adoption.
    where.push(`(CASE WHEN a.lifecycle_stage IS NOT NULL THEN a.lifecycle_stage
      WHEN a.started_at IS NOT NULL AND a.started_at > ? THEN 'onboarding' ELSE 'adoption' END) IN (${filters.stage.map(() => '?').join(',')})`);
    params.push(source.at - 90 * 86_400_000, ...filters.stage);
  }
  if (filters.flag?.length) {
    // The text first: the JSON is parsed only for accounts whose flags mention a key asked for.
    where.push(`(${filters.flag.map(() => `${col.flags} LIKE ? ESCAPE '\\'`).join(' OR ')}) AND ${db.dialect.jsonArrayHasKeyIn(col.flags, filters.flag.length)}`);
    params.push(...filters.flag.map(containing), ...filters.flag);
  }
  if (filters.q?.trim()) {
    where.push(`(a.name ${db.dialect.ilike} ? ESCAPE '\\' OR a.id ${db.dialect.ilike} ? ESCAPE '\\')`);
    const like = containing(filters.q.trim());
    params.push(like, like);
  }
  if (filters.belowTarget) where.push(`${col.belowTarget} = 1`);
  if (filters.overdue) {
    where.push('EXISTS (SELECT 1 FROM cadence_status cs WHERE cs.account_pk = a.pk AND cs.due_at < ?)');
    params.push(filters.now ?? Date.now());
  }
  if (source.asOfDay === null) {
    // Unary + keeps SQLite's planner off the churned index: most accounts are current customers,
    // and scanning them in the order asked for (e.g. the ARR index) stops after one page.
    // PostgreSQL's planner knows how many have churned from its statistics, which the + would hide.
    if (!filters.includeChurned) where.push(db.engine === 'sqlite' ? '+a.churned_at IS NULL' : 'a.churned_at IS NULL');
  } else {
    // As of an earlier day: churned by then, and accounts that had not started yet are left out.
    if (!filters.includeChurned) {
      where.push('(a.churned_at IS NULL OR a.churned_at >= ?)');
      params.push(source.at);
    }
    where.push('(a.started_at IS NULL OR a.started_at < ?)');
    params.push(source.at);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

interface Row {
  pk: number;
  id: string;
  name: string;
  tier: string | null;
  lifecycle_stage: string | null;
  arr: number;
  owner_email: string | null;
  renewal_date: number | null;
  score: number | null;
  band: string | null;
  state: 'scored' | 'no_data' | null;
  partial: number | null;
  velocity: number | null;
  score_change: number | null;
  below_target: number | null;
  dimensions: string | null;
  flags: string | null;
  churn_risk: number | null;
  override_band: string | null;
  override_expires: number | null;
  sort_key: number | string;
}

export async function listAccounts(db: Store, filters: AccountFilters): Promise<{ data: AccountListItem[]; nextCursor: string | null }> {
  const sort = filters.sort ?? 'score';
  const desc = sort.startsWith('-');
  // As of an earlier day, the score change is joined for every account only when it sorts the list.
  const changeSorts = sort.replace(/^-/, '') === 'scoreChange';
  const source = await scoreSourceFor(db, filters, { previous: changeSorts });
  const { col } = source;
  const expr = sortExpr(sort, col);
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 500);
  const { sql, params } = accountWhere(db, filters, { source });
  const conditions = sql ? [sql.slice(6)] : [];
  if (filters.cursor) {
    const [value, pk] = decodeCursor(filters.cursor, sortKind(sort));
    // The first condition alone lets an index on the sort key (name, ARR) start at the cursor.
    conditions.push(`${expr} ${desc ? '<=' : '>='} ? AND (${expr} ${desc ? '<' : '>'} ? OR (${expr} = ? AND a.pk > ?))`);
    params.push(value, value, value, pk);
  }
  const rows = await db.all<Row>(
    `SELECT a.pk, a.id, a.name, a.tier, a.lifecycle_stage, a.arr, a.owner_email, a.renewal_date, ${col.score} AS score, ${col.band} AS band,
       ${col.state} AS state, ${col.partial} AS partial, ${col.velocity} AS velocity, ${col.scoreChange} AS score_change,
       ${col.belowTarget} AS below_target, ${col.dimensions} AS dimensions, ${col.flags} AS flags, ${col.churnRisk} AS churn_risk, o.band AS override_band, o.expires_at AS override_expires,
       ${expr} AS sort_key
     FROM ${source.from}
     ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY ${expr} ${desc ? 'DESC' : 'ASC'}, a.pk ASC
     LIMIT ?`,
    [...source.params, ...params, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const data = page.map(toItem);
  if (source.asOfDay !== null) {
    const windowDays = (await ensureLiveModel(db)).model.windowDays;
    const dims = await pageDimensions(db, source.asOfDay, page.map((r) => r.pk), changeSorts ? null : source.asOfDay - windowDays);
    for (const [i, r] of page.entries()) Object.assign(data[i]!, dims.get(r.pk) ?? {});
  }
  return {
    data,
    nextCursor: rows.length > limit && last ? encodeCursor(last.sort_key, last.pk) : null,
  };
}

function toItem(r: Row): AccountListItem {
  return {
    id: r.id,
    name: r.name,
    tier: r.tier,
    lifecycleStage: r.lifecycle_stage,
    arr: r.arr,
    owner: r.owner_email,
    renewalDate: r.renewal_date === null ? null : new Date(r.renewal_date).toISOString(),
    score: r.score,
    band: r.band,
    override: r.override_band ? { band: r.override_band, expiresAt: new Date(r.override_expires!).toISOString() } : null,
    state: r.state ?? 'no_data',
    partial: !!r.partial,
    velocity: r.velocity === null ? null : Math.round(r.velocity * 1000) / 1000,
    scoreChange: r.score_change,
    belowTarget: !!r.below_target,
    dimensions: r.dimensions ? (JSON.parse(r.dimensions) as Record<string, number | null>) : {},
    flags: r.flags ? (JSON.parse(r.flags) as AccountListItem['flags']) : [],
    churnRisk: r.churn_risk === null ? null : Math.round(r.churn_risk * 10_000) / 10_000,
  };
}

export async function findAccountPk(db: Store, id: string): Promise<number | null> {
  return (await db.value<number>('SELECT pk FROM accounts WHERE id = ?', [id])) ?? null;
}

export interface BandCount {
  band: string;
  accounts: number;
  arr: number;
}

/**
 * Band counts scan every account the filters allow: kept until the next write (or 30 s), and up
 * to a second past it while event batches stream into this process (a scan per commit would
 * then cost more than the list itself).
 */
export const BAND_COUNTS_STALE_MS = 1_000;
const countsCache = new ReadCache<BandCount[]>(30_000, 200, dataStamp, { ms: BAND_COUNTS_STALE_MS, when: () => ingestIsBusy(BAND_COUNTS_STALE_MS) });

/** Accounts and ARR per band (and `no_data`) under the filters other than the band itself. */
export async function bandCounts(db: Store, filters: AccountFilters): Promise<BandCount[]> {
  const f = filters;
  const key = JSON.stringify([f.tier, f.owner, f.stage, f.flag, f.q?.trim(), f.belowTarget, f.includeChurned, f.overdue, historyDayOf(f.asOf)]);
  // Overdue-ness changes with the clock, not only with writes: those counts are not kept.
  return f.overdue ? countBands(db, filters) : countsCache.get(db, key, () => countBands(db, filters));
}

async function countBands(db: Store, filters: AccountFilters): Promise<BandCount[]> {
  const source = await scoreSourceFor(db, filters, { previous: false });
  const { sql, params } = accountWhere(db, filters, { skipBand: true, source });
  return db.all<BandCount>(
    `SELECT coalesce(o.band, ${source.col.band}, 'no_data') AS band, count(*) AS accounts, coalesce(sum(a.arr), 0) AS arr
     FROM ${source.from} ${sql} GROUP BY 1`,
    [...source.params, ...params],
  );
}

export async function listOwners(db: Store): Promise<string[]> {
  return db.column<string>('SELECT DISTINCT owner_email FROM accounts WHERE owner_email IS NOT NULL ORDER BY owner_email');
}
