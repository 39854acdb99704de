/**
 * Account lists with their current scores: filters, sorts and keyset pagination (a cursor that
 * stays correct while scores change underneath, unlike offsets).
 */
import type { Db } from '@/db/open';
import type { AccountSort } from '@/lib/account-filters';
import { AppError } from '../errors';

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
  sort?: AccountSort;
  limit?: number;
  cursor?: string | null;
}

/** Scores joined with the override in force, if any: filters and counts use the effective band. */
export const SCORED_ACCOUNTS = `accounts a LEFT JOIN scores s ON s.account_pk = a.pk
  LEFT JOIN overrides o ON o.account_pk = a.pk AND o.revoked_at IS NULL AND o.expires_at > (cast(unixepoch('subsec') * 1000 as integer))`;

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
}

// Sort keys never null, so keyset comparisons work: accounts without a value sort last.
const SORT_EXPR: Record<string, string> = {
  score: 'coalesce(s.score, 1e9)',
  '-score': 'coalesce(s.score, -1e9)',
  velocity: 'coalesce(s.velocity, 1e9)',
  '-velocity': 'coalesce(s.velocity, -1e9)',
  arr: 'a.arr',
  '-arr': 'a.arr',
  name: 'a.name',
  '-name': 'a.name',
  scoreChange: 'coalesce(s.score_change, 1e9)',
  '-scoreChange': 'coalesce(s.score_change, -1e9)',
};

function encodeCursor(value: number | string, pk: number): string {
  return Buffer.from(JSON.stringify([value, pk])).toString('base64url');
}

function decodeCursor(cursor: string): [number | string, number] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && ['number', 'string'].includes(typeof parsed[0]) && Number.isInteger(parsed[1])) {
      return parsed as [number | string, number];
    }
  } catch {
    // fall through
  }
  throw new AppError('invalid', 'The cursor is not valid; start again without it', [{ path: 'cursor', message: 'Use the nextCursor of a previous answer' }]);
}

function inList(column: string, values: string[] | undefined, where: string[], params: unknown[]) {
  if (!values?.length) return;
  where.push(`${column} IN (${values.map(() => '?').join(',')})`);
  params.push(...values);
}

/** The WHERE clause shared by the list, its counts and its export. */
export function accountWhere(filters: AccountFilters, options: { skipBand?: boolean } = {}): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!options.skipBand && filters.band?.length) {
    const bands = filters.band.filter((b) => b !== 'no_data');
    const parts: string[] = [];
    if (bands.length) {
      parts.push(`coalesce(o.band, s.band) IN (${bands.map(() => '?').join(',')})`);
      params.push(...bands);
    }
    if (filters.band.includes('no_data')) parts.push(`(o.band IS NULL AND (s.state IS NULL OR s.state = 'no_data'))`);
    where.push(`(${parts.join(' OR ')})`);
  }
  inList('a.tier', filters.tier, where, params);
  inList('a.owner_email', filters.owner, where, params);
  if (filters.stage?.length) {
    // The stage is explicit, or derived: onboarding for 90 days after the start, then adoption.
    where.push(`(CASE WHEN a.lifecycle_stage IS NOT NULL THEN a.lifecycle_stage
      WHEN a.started_at IS NOT NULL AND a.started_at > ? THEN 'onboarding' ELSE 'adoption' END) IN (${filters.stage.map(() => '?').join(',')})`);
    params.push(Date.now() - 90 * 86_400_000, ...filters.stage);
  }
  if (filters.flag?.length) {
    where.push(`EXISTS (SELECT 1 FROM json_each(s.flags) f WHERE json_extract(f.value, '$.key') IN (${filters.flag.map(() => '?').join(',')}))`);
    params.push(...filters.flag);
  }
  if (filters.q?.trim()) {
    where.push(`(a.name LIKE ? ESCAPE '\\' OR a.id LIKE ? ESCAPE '\\')`);
    const like = `%${filters.q.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    params.push(like, like);
  }
  if (filters.belowTarget) where.push('s.below_target = 1');
  if (!filters.includeChurned) where.push('a.churned_at IS NULL');
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
  override_band: string | null;
  override_expires: number | null;
  sort_key: number | string;
}

export function listAccounts(db: Db, filters: AccountFilters): { data: AccountListItem[]; nextCursor: string | null } {
  const sort = filters.sort ?? 'score';
  const desc = sort.startsWith('-');
  const expr = SORT_EXPR[sort];
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 500);
  const { sql, params } = accountWhere(filters);
  const conditions = sql ? [sql.slice(6)] : [];
  if (filters.cursor) {
    const [value, pk] = decodeCursor(filters.cursor);
    conditions.push(`(${expr} ${desc ? '<' : '>'} ? OR (${expr} = ? AND a.pk > ?))`);
    params.push(value, value, pk);
  }
  const rows = db.$client
    .prepare(
      `SELECT a.pk, a.id, a.name, a.tier, a.lifecycle_stage, a.arr, a.owner_email, a.renewal_date, s.score, s.band, s.state,
         s.partial, s.velocity, s.score_change, s.below_target, s.dimensions, s.flags, o.band AS override_band, o.expires_at AS override_expires,
         ${expr} AS sort_key
       FROM ${SCORED_ACCOUNTS}
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY ${expr} ${desc ? 'DESC' : 'ASC'}, a.pk ASC
       LIMIT ?`,
    )
    .all(...params, limit + 1) as Row[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toItem),
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
  };
}

export function findAccountPk(db: Db, id: string): number | null {
  return (db.$client.prepare('SELECT pk FROM accounts WHERE id = ?').pluck().get(id) as number | undefined) ?? null;
}

export interface BandCount {
  band: string;
  accounts: number;
  arr: number;
}

/** Accounts and ARR per band (and `no_data`) under the filters other than the band itself. */
export function bandCounts(db: Db, filters: AccountFilters): BandCount[] {
  const { sql, params } = accountWhere(filters, { skipBand: true });
  return db.$client
    .prepare(
      `SELECT coalesce(o.band, s.band, 'no_data') AS band, count(*) AS accounts, coalesce(sum(a.arr), 0) AS arr
       FROM ${SCORED_ACCOUNTS} ${sql} GROUP BY 1`,
    )
    .all(...params) as BandCount[];
}

export function listOwners(db: Db): string[] {
  return db.$client.prepare('SELECT DISTINCT owner_email FROM accounts WHERE owner_email IS NOT NULL ORDER BY owner_email').pluck().all() as string[];
}
