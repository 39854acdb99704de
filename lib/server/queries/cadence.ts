/** Cadence items per account, and compliance (share of accounts on cadence) per CSM and tier. */
import { everyLabel, itemsOfTier } from '@/lib/programme/cadence';
import { MEETING_ATTRIBUTES } from '@/lib/programme/touchpoints';
import type { Store } from '@/lib/server/store';
import { liveCadence } from '../commands/cadence';
import { accountWhere } from './accounts';

export interface AccountCadenceItem {
  key: string;
  label: string;
  everyDays: number;
  /** "weekly", "quarterly", "every 45 days" */
  every: string;
  lastAt: string | null;
  /** what fulfilled it last: a trigger key, or trigger#property */
  lastTouch: string | null;
  /** the same in words: the trigger's label, and the property's ("Meeting held (executive attended)") */
  lastTouchLabel: string | null;
  dueAt: string;
  overdue: boolean;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The cadence items of one account, in the live cadence's order. */
export async function accountCadence(db: Store, accountPk: number, now = Date.now()): Promise<AccountCadenceItem[]> {
  const [{ cadence }, tier, rows] = await Promise.all([
    liveCadence(db),
    db.value<string | null>('SELECT tier FROM accounts WHERE pk = ?', [accountPk]),
    db.all<{ item_key: string; every_days: number; last_at: number | null; last_touch: string | null; due_at: number }>(
      'SELECT item_key, every_days, last_at, last_touch, due_at FROM cadence_status WHERE account_pk = ?',
      [accountPk],
    ),
  ]);
  const items = itemsOfTier(cadence, tier ?? null);
  const order = new Map(items.map((item, i) => [item.key, i]));
  const labels = new Map(items.map((item) => [item.key, item.label]));
  const touchLabels = await touchLabelsOf(db, rows.map((r) => r.last_touch).filter((t): t is string => t !== null));
  return rows
    .sort((a, b) => (order.get(a.item_key) ?? 99) - (order.get(b.item_key) ?? 99))
    .map((r) => ({
      key: r.item_key, label: labels.get(r.item_key) ?? r.item_key, everyDays: r.every_days, every: everyLabel(r.every_days),
      lastAt: iso(r.last_at), lastTouch: r.last_touch, lastTouchLabel: r.last_touch === null ? null : (touchLabels.get(r.last_touch) ?? r.last_touch),
      dueAt: iso(r.due_at)!, overdue: r.due_at < now,
    }));
}

const ATTRIBUTE_LABELS = new Map<string, string>(MEETING_ATTRIBUTES.map((a) => [a.key, a.label]));

/** Touches (`trigger` or `trigger#property`) in words, from the trigger catalogue. */
async function touchLabelsOf(db: Store, touches: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!touches.length) return out;
  const triggers = [...new Set(touches.map((t) => t.split('#')[0]!))];
  const labels = new Map(
    (await db.all<{ key: string; label: string }>(`SELECT key, label FROM triggers WHERE ${db.dialect.inJsonArray('key', 'text')}`, [JSON.stringify(triggers)])).map((r) => [r.key, r.label]),
  );
  for (const touch of touches) {
    const [trigger, property] = touch.split('#') as [string, string | undefined];
    const label = labels.get(trigger) ?? trigger;
    out.set(touch, property ? `${label} (${(ATTRIBUTE_LABELS.get(property) ?? property).toLowerCase()})` : label);
  }
  return out;
}

export interface ComplianceRow {
  owner: string | null;
  tier: string;
  /** accounts whose tier calls for a cadence */
  accounts: number;
  /** of them, those with nothing overdue */
  onCadence: number;
  share: number;
}

/**
 * Share of accounts (customers, on a tier with cadence items) with no item overdue, per owner and
 * tier; `filters` narrows the accounts as the Trends page's filters do (tier, owner, stage).
 */
export async function cadenceCompliance(db: Store, now = Date.now(), filters: { tier?: string[]; owner?: string[]; stage?: string[] } = {}): Promise<ComplianceRow[]> {
  const where = accountWhere(db, { tier: filters.tier, owner: filters.owner, stage: filters.stage, includeChurned: true });
  const rows = await db.all<{ owner_email: string | null; tier: string; accounts: number; on_cadence: number }>(
    `SELECT a.owner_email, a.tier, count(*) AS accounts, sum(CASE WHEN s.overdue = 0 THEN 1 ELSE 0 END) AS on_cadence
     FROM accounts a JOIN (SELECT account_pk, max(CASE WHEN due_at < ? THEN 1 ELSE 0 END) AS overdue FROM cadence_status GROUP BY account_pk) s ON s.account_pk = a.pk
     WHERE a.churned_at IS NULL AND a.tier IS NOT NULL${where.sql ? ` AND ${where.sql.slice('WHERE '.length)}` : ''}
     GROUP BY a.owner_email, a.tier ORDER BY a.owner_email, a.tier`,
    [now, ...where.params],
  );
  return rows.map((r) => ({ owner: r.owner_email, tier: r.tier, accounts: Number(r.accounts), onCadence: Number(r.on_cadence), share: Number(r.accounts) ? Number(r.on_cadence) / Number(r.accounts) : 0 }));
}
