/** Alerts for the Alerts page and the account page: open, snoozed or acknowledged. */
import { ALERT_STATES, type AlertState } from '@/lib/alert-state';
import { rankByPriority } from '@/lib/programme/priority';
import type { SqlParam, Store } from '@/lib/server/store';

export { ALERT_STATES, type AlertState };

export interface AlertItem {
  pk: number;
  kind: 'flag' | 'band_drop';
  key: string;
  severity: 'red' | 'yellow';
  title: string;
  evidence: string | null;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  snoozedUntil: string | null;
  account: { id: string; name: string; owner: string | null; arr: number; score: number | null; band: string | null; renewalDate: string | null };
}

const STATE_SQL: Record<AlertState, string> = {
  open: 'al.acknowledged_at IS NULL AND (al.snoozed_until IS NULL OR al.snoozed_until <= @now)',
  snoozed: 'al.acknowledged_at IS NULL AND al.snoozed_until > @now',
  acknowledged: 'al.acknowledged_at IS NOT NULL',
};

interface Row {
  pk: number; kind: 'flag' | 'band_drop'; key: string; severity: 'red' | 'yellow'; title: string; evidence: string | null; created_at: number;
  acknowledged_at: number | null; acked_by: string | null; snoozed_until: number | null;
  id: string; name: string; owner_email: string | null; arr: number; score: number | null; band: string | null; renewal_date: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The most alerts one list shows (the Alerts page says when there are more). */
export const MAX_ALERTS = 500;

/** Alerts, red first then newest; `limit: null` reads them all (My day groups every open one). */
export async function listAlerts(db: Store, options: { state: AlertState; owner?: string | null; accountPk?: number; limit?: number | null; now?: number }): Promise<AlertItem[]> {
  const where = [STATE_SQL[options.state], 'a.churned_at IS NULL'];
  const params: Record<string, SqlParam> = { now: options.now ?? Date.now() };
  if (options.limit !== null) params.limit = Math.min(options.limit ?? 200, MAX_ALERTS);
  if (options.owner) {
    where.push('a.owner_email = @owner');
    params.owner = options.owner;
  }
  if (options.accountPk !== undefined) {
    where.push('al.account_pk = @account');
    params.account = options.accountPk;
  }
  const rows = await db.all<Row>(
    `SELECT al.pk, al.kind, al.key, al.severity, al.title, al.evidence, al.created_at, al.acknowledged_at, u.email AS acked_by, al.snoozed_until,
       a.id, a.name, a.owner_email, a.arr, s.score, s.band, a.renewal_date
     FROM alerts al JOIN accounts a ON a.pk = al.account_pk LEFT JOIN scores s ON s.account_pk = a.pk LEFT JOIN users u ON u.pk = al.acknowledged_by_user_pk
     WHERE ${where.join(' AND ')}
     ORDER BY CASE al.severity WHEN 'red' THEN 0 ELSE 1 END, al.created_at DESC, al.pk DESC${options.limit === null ? '' : ' LIMIT @limit'}`,
    params,
  );
  return rows.map<AlertItem>((r) => ({
    pk: r.pk, kind: r.kind, key: r.key, severity: r.severity, title: r.title, evidence: r.evidence, createdAt: iso(r.created_at)!,
    acknowledgedAt: iso(r.acknowledged_at), acknowledgedBy: r.acked_by, snoozedUntil: iso(r.snoozed_until),
    account: { id: r.id, name: r.name, owner: r.owner_email, arr: r.arr, score: r.score, band: r.band, renewalDate: iso(r.renewal_date) },
  }));
}

export async function alertCounts(db: Store, options: { owner?: string | null; now?: number }): Promise<Record<AlertState, number>> {
  const params: Record<string, SqlParam> = { now: options.now ?? Date.now() };
  const ownerSql = options.owner ? 'AND a.owner_email = @owner' : '';
  if (options.owner) params.owner = options.owner;
  // One scan for the three counts.
  const count = (state: AlertState) => `coalesce(sum(CASE WHEN ${STATE_SQL[state]} THEN 1 ELSE 0 END), 0) AS ${state}`;
  const row = (await db.get<Record<AlertState, number>>(
    `SELECT ${ALERT_STATES.map(count).join(', ')} FROM alerts al JOIN accounts a ON a.pk = al.account_pk WHERE a.churned_at IS NULL ${ownerSql}`,
    params,
  ))!;
  return { open: row.open, snoozed: row.snoozed, acknowledged: row.acknowledged };
}

/** A CSM sees alerts of their own accounts unless they ask for everyone's (`owner=*`). */
export function alertOwner(owner: string | undefined, user: { role: string; email: string }): string | null {
  if (owner === '*') return null;
  if (owner) return owner;
  return user.role === 'csm' ? user.email : null;
}

export interface AlertGroup {
  account: AlertItem['account'];
  /** why the account ranks where it does ("$120K ARR, renews in 21 days, red flag") */
  why: string;
  severity: 'red' | 'yellow';
  alerts: AlertItem[];
}

/** One group per account, its alerts inside (as listed), ranked by what is at stake (lib/programme/priority.ts). */
export function groupAlertsByAccount(alerts: readonly AlertItem[], now = Date.now()): AlertGroup[] {
  const byAccount = new Map<string, AlertItem[]>();
  for (const a of alerts) {
    const list = byAccount.get(a.account.id);
    if (list) list.push(a);
    else byAccount.set(a.account.id, [a]);
  }
  const groups = [...byAccount.values()];
  return rankByPriority(
    groups,
    (list) => {
      const account = list[0]!.account;
      return { arr: account.arr, band: account.band, renewalDate: account.renewalDate ? Date.parse(account.renewalDate) : null, alerts: list, tasks: [], cadence: [] };
    },
    (list) => list[0]!.account.id,
    now,
  ).map(({ entry, priority }) => ({
    account: entry[0]!.account,
    why: priority.why,
    severity: entry.some((a) => a.severity === 'red') ? 'red' : 'yellow',
    alerts: entry,
  }));
}

export interface AlertsPageData {
  counts: Record<AlertState, number>;
  /** the first of the groups, one per account, the most at stake first */
  groups: AlertGroup[];
  /** the accounts the alerts read are on: the groups there are, listed or not */
  accounts: number;
  /** alerts read and grouped (at most MAX_ALERTS: the count of the state says when there are more) */
  shown: number;
}

/**
 * The Alerts page: the counts of each state and the alerts of one, grouped by account and ranked;
 * the first `groups` groups are listed (the page lists them a page at a time).
 */
export async function alertsPage(db: Store, options: { state: AlertState; owner: string | null; groups: number; now?: number }): Promise<AlertsPageData> {
  const now = options.now ?? Date.now();
  const [counts, alerts] = await Promise.all([alertCounts(db, { owner: options.owner, now }), listAlerts(db, { state: options.state, owner: options.owner, limit: MAX_ALERTS, now })]);
  const groups = groupAlertsByAccount(alerts, now);
  return { counts, groups: groups.slice(0, Math.max(1, options.groups)), accounts: groups.length, shown: alerts.length };
}
