/**
 * "My day": the accounts that need attention today, each once, with everything about it grouped
 * (overdue cadence items, open tasks, open alerts, a renewal coming up), ranked by what is at
 * stake (lib/programme/priority.ts). The first `budget` accounts are the morning's list; the rest
 * are counted (and listed on request), never dropped.
 *
 * An item is an overdue cadence item or an open alert of an account the owner owns, or an open
 * task given to the owner (a task reassigned to another CSM moves to their day, with its account).
 * A renewal alone is not an item: it weighs on the rank and has its own section.
 */
import { DAY_MS, everyLabel, itemsOfTier } from '@/lib/programme/cadence';
import { applyBudget, DEFAULT_DAILY_BUDGET, MAX_DAILY_BUDGET, daysToRenewal, rankByPriority, RENEWAL_WINDOW_DAYS, restSentence, type RestSummary } from '@/lib/programme/priority';
import type { SqlParam, Store } from '@/lib/server/store';
import { liveCadence } from '../commands/cadence';
import { listAlerts, type AlertItem } from './alerts';
import { liveBands } from './model';
import { allOpenTasks, type TaskItem } from './tasks';

export const MY_DAY_BUDGET_SETTING = 'myDay.budget';
/** The renewals listed (soonest first); `counts.renewals` counts them all. */
export const MY_DAY_RENEWALS = 25;
export const DEFAULT_MY_DAY_BUDGET = DEFAULT_DAILY_BUDGET;
export const MAX_MY_DAY_BUDGET = MAX_DAILY_BUDGET;

export interface MyDayAccount {
  id: string;
  name: string;
  tier: string | null;
  arr: number;
  owner: string | null;
  score: number | null;
  band: string | null;
  renewalDate: string | null;
  /** whole days to the renewal when it is within 90 days, else null */
  renewsInDays: number | null;
}

export interface MyDayCadenceItem {
  key: string;
  label: string;
  /** "weekly", "every 45 days" */
  every: string;
  lastAt: string | null;
  dueAt: string;
  daysOverdue: number;
}

export type MyDayAlert = Omit<AlertItem, 'account'>;

export interface MyDayEntry {
  account: MyDayAccount;
  /** 1 for the first account of the day */
  rank: number;
  severity: 'red' | 'overdueTask' | 'overdueCadence' | 'yellow' | 'task' | 'none';
  /** the rank in words: "$120K ARR, renews in 21 days, red flag" */
  why: string;
  cadence: MyDayCadenceItem[];
  /** by due date */
  tasks: TaskItem[];
  alerts: MyDayAlert[];
}

export interface MyDayRenewal {
  account: MyDayAccount;
  /** open items of the account on today's list (0: nothing to do yet) */
  items: number;
}

export interface MyDay {
  /** whose day: an email, or null for everyone's */
  owner: string | null;
  budget: number;
  counts: { overdueTouchpoints: number; openTasks: number; renewals: number; newRedFlags: number; accounts: number };
  top: MyDayEntry[];
  /** the first of the accounts past the budget, ranked (as many as asked for); null when not asked for (`summary` counts them all) */
  rest: MyDayEntry[] | null;
  summary: RestSummary;
  /** "34 more accounts with 51 items: ..." (null when the budget holds everything) */
  summarySentence: string | null;
  /** the soonest MY_DAY_RENEWALS renewals (`counts.renewals`: how many there are) */
  renewals: MyDayRenewal[];
  /** the live model's bands, best first, for their labels */
  bands: { key: string; label: string }[];
}

/** The daily budget (settings `myDay.budget`), within 1..MAX_MY_DAY_BUDGET; the default when unset or unreadable. */
export async function myDayBudget(db: Store): Promise<number> {
  const raw = await db.value<string | null>('SELECT value FROM settings WHERE key = ?', [MY_DAY_BUDGET_SETTING]);
  if (raw === undefined || raw === null) return DEFAULT_MY_DAY_BUDGET;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return DEFAULT_MY_DAY_BUDGET;
  }
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_MY_DAY_BUDGET ? value : DEFAULT_MY_DAY_BUDGET;
}

/** A CSM's day is always their own; managers and admins see their own unless they pick a CSM or everyone (`*`). */
export function myDayOwner(owner: string | undefined, user: { role: string; email: string }): string | null {
  if (user.role === 'csm' || !owner) return user.email;
  return owner === '*' ? null : owner;
}

interface AccountRow {
  pk: number; id: string; name: string; tier: string | null; arr: number; owner_email: string | null; renewal_date: number | null; score: number | null; band: string | null;
}
interface CadenceRow { account_pk: number; item_key: string; every_days: number; last_at: number | null; due_at: number }

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The day of `owner` (null: everyone's). `rest` is how many of the accounts past the budget to list,
 * the highest ranked first (none when unset): a portfolio can have thousands, listed a page at a time.
 */
export async function myDay(db: Store, options: { owner: string | null; budget?: number; rest?: number; now?: number }): Promise<MyDay> {
  const now = options.now ?? Date.now();
  const owner = options.owner;
  const ownerSql = owner ? ' AND a.owner_email = ?' : '';
  const ownerParams: SqlParam[] = owner ? [owner] : [];
  const [budget, bands, live, cadenceRows, tasks, alerts] = await Promise.all([
    options.budget ?? myDayBudget(db),
    liveBands(db),
    liveCadence(db),
    db.all<CadenceRow>(
      `SELECT cs.account_pk, cs.item_key, cs.every_days, cs.last_at, cs.due_at FROM cadence_status cs JOIN accounts a ON a.pk = cs.account_pk
       WHERE cs.due_at < ? AND a.churned_at IS NULL${ownerSql} ORDER BY cs.due_at, cs.item_key`,
      [now, ...ownerParams],
    ),
    allOpenTasks(db, { owner, now }),
    listAlerts(db, { state: 'open', owner, limit: null, now }),
  ]);

  // The accounts with items, and the owner's accounts renewing within the window.
  const withItems = new Set<number>(cadenceRows.map((c) => c.account_pk));
  const ids = [...new Set([...tasks.map((t) => t.accountId), ...alerts.map((a) => a.account.id)])];
  const accounts = await db.all<AccountRow>(
    `SELECT a.pk, a.id, a.name, a.tier, a.arr, a.owner_email, a.renewal_date, s.score, s.band
     FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk
     WHERE a.churned_at IS NULL AND (${db.dialect.inJsonArray('a.pk', 'int')} OR ${db.dialect.inJsonArray('a.id', 'text')}
       OR (a.renewal_date >= ? AND a.renewal_date <= ?${ownerSql}))`,
    [JSON.stringify([...withItems]), JSON.stringify(ids), now - DAY_MS / 2, now + RENEWAL_WINDOW_DAYS * DAY_MS, ...ownerParams],
  );

  const byPk = new Map(accounts.map((a) => [a.pk, a]));
  const entries = new Map<string, Omit<MyDayEntry, 'rank' | 'severity' | 'why'>>();
  const accountOf = (row: AccountRow): MyDayAccount => ({
    id: row.id, name: row.name, tier: row.tier, arr: row.arr, owner: row.owner_email, score: row.score, band: row.band,
    renewalDate: iso(row.renewal_date), renewsInDays: daysToRenewal(row.renewal_date, now),
  });
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const entryOf = (row: AccountRow) => {
    let entry = entries.get(row.id);
    if (!entry) entries.set(row.id, (entry = { account: accountOf(row), cadence: [], tasks: [], alerts: [] }));
    return entry;
  };
  for (const c of cadenceRows) {
    const row = byPk.get(c.account_pk);
    if (!row) continue;
    const items = itemsOfTier(live.cadence, row.tier);
    const label = items.find((i) => i.key === c.item_key)?.label ?? c.item_key;
    entryOf(row).cadence.push({
      key: c.item_key, label, every: everyLabel(c.every_days), lastAt: iso(c.last_at), dueAt: iso(c.due_at)!, daysOverdue: Math.max(0, Math.floor((now - c.due_at) / DAY_MS)),
    });
  }
  for (const t of tasks) {
    const row = byId.get(t.accountId);
    if (row) entryOf(row).tasks.push(t);
  }
  for (const { account, ...alert } of alerts) {
    const row = byId.get(account.id);
    if (row) entryOf(row).alerts.push(alert);
  }

  const ranked = rankByPriority(
    [...entries.values()],
    (e) => ({
      arr: e.account.arr, band: e.account.band, renewalDate: e.account.renewalDate ? Date.parse(e.account.renewalDate) : null,
      alerts: e.alerts, tasks: e.tasks.map((t) => ({ dueAt: Date.parse(t.dueAt) })), cadence: e.cadence.map((c) => ({ dueAt: Date.parse(c.dueAt), label: c.label, neverDone: c.lastAt === null })),
    }),
    (e) => e.account.id,
    now,
  ).map(({ entry, priority }, i): MyDayEntry => ({ ...entry, rank: i + 1, severity: priority.severity, why: priority.why }));
  const { top, rest, summary } = applyBudget(ranked, budget);

  const renewing = accounts
    .filter((a) => (!owner || a.owner_email === owner) && daysToRenewal(a.renewal_date, now) !== null)
    .sort((a, b) => a.renewal_date! - b.renewal_date! || b.arr - a.arr);
  const renewals = renewing
    .slice(0, MY_DAY_RENEWALS)
    .map((a) => {
      const e = entries.get(a.id);
      return { account: accountOf(a), items: e ? e.cadence.length + e.tasks.length + e.alerts.length : 0 };
    });

  return {
    owner,
    budget,
    counts: {
      overdueTouchpoints: cadenceRows.filter((c) => byPk.has(c.account_pk)).length,
      openTasks: tasks.length,
      renewals: renewing.length,
      newRedFlags: alerts.filter((a) => a.severity === 'red' && a.kind === 'flag').length,
      accounts: ranked.length,
    },
    top,
    rest: options.rest === undefined ? null : rest.slice(0, Math.max(0, Math.floor(options.rest))),
    summary,
    summarySentence: restSentence(summary),
    renewals,
    bands: bands.map((b) => ({ key: b.key, label: b.label })),
  };
}
