/**
 * What is at stake on an account today, as one number to rank by and the reasons in words
 * ("$120k ARR, renews in 21 days, red flag"). Pure: no I/O, no clock (callers pass `now`).
 *
 * The rank multiplies how urgent the account's worst item is by how much rides on the account:
 *   urgency = severity of the worst item (red flag or red band > overdue task > overdue touchpoint
 *             > yellow alert > task not yet due) + how long it is overdue + a little per extra item
 *   stake   = ARR (on a log scale: $120k weighs about twice $0, $1M three times)
 *             x nearness of the renewal (up to twice as much on the renewal day, nothing past 90 days)
 * so a big account renewing soon with an overdue touchpoint can outrank a tiny one with a red flag,
 * and between equals, the worse item and the longer overdue comes first.
 */
import { DAY_MS } from './cadence';

/** How many accounts a day shows in full unless an admin sets otherwise, and the most it may show. */
export const DEFAULT_DAILY_BUDGET = 10;
export const MAX_DAILY_BUDGET = 100;

/** The renewal window the rank and the "renews in" words look at. */
export const RENEWAL_WINDOW_DAYS = 90;

/** Points of the worst item, by kind (exported for tests and explanations). */
export const SEVERITY_POINTS = {
  red: 100,
  overdueTask: 60,
  overdueCadence: 40,
  yellow: 25,
  task: 10,
  none: 0,
} as const;
export type SeverityClass = keyof typeof SEVERITY_POINTS;

/** Each day overdue adds a point, up to this many. */
export const MAX_OVERDUE_POINTS = 20;
/** Each item beyond the first adds this, up to MAX_EXTRA_POINTS. */
export const EXTRA_ITEM_POINTS = 4;
export const MAX_EXTRA_POINTS = 20;

export interface PriorityInput {
  arr: number;
  /** epoch ms, or null when unknown */
  renewalDate: number | null;
  /** the account's current band key */
  band: string | null;
  /** open alerts (flags raised, band drops) */
  alerts: readonly { severity: 'red' | 'yellow'; kind: 'flag' | 'band_drop'; title?: string }[];
  /** open tasks */
  tasks: readonly { dueAt: number }[];
  /** overdue cadence items (due before now) */
  cadence: readonly { dueAt: number; label: string; neverDone?: boolean }[];
}

export interface Priority {
  /** higher first */
  score: number;
  severity: SeverityClass;
  /** whole days to the renewal when it is within the window (0: today), else null */
  renewsInDays: number | null;
  /** the reasons, most telling first: ARR, renewal, worst item, the most overdue other item */
  reasons: string[];
  /** the reasons as one phrase */
  why: string;
  /** items counted (alerts + tasks + overdue cadence items) */
  items: number;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const money = (v: number) => `$${compact.format(Math.max(0, v))}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
/** "Touchpoint" -> "touchpoint" inside a sentence; acronyms ("QBR") stay as they are. */
const inSentence = (label: string) => (/^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label);
const daysLate = (dueAt: number, now: number) => Math.max(0, Math.floor((now - dueAt) / DAY_MS));

export function daysToRenewal(renewalDate: number | null, now: number): number | null {
  if (renewalDate === null || renewalDate < now - DAY_MS / 2) return null;
  const days = Math.max(0, Math.round((renewalDate - now) / DAY_MS));
  return days <= RENEWAL_WINDOW_DAYS ? days : null;
}

/** 1 for no ARR, about 2.1 for $120k, 3 for $1M. */
export function arrWeight(arr: number): number {
  return 1 + Math.log10(1 + Math.max(0, arr) / 10_000);
}

/** 2 on the renewal day, falling to 1 at the end of the window; 1 outside it. */
export function renewalWeight(days: number | null): number {
  return days === null ? 1 : 1 + (RENEWAL_WINDOW_DAYS - days) / RENEWAL_WINDOW_DAYS;
}

function renewalWords(days: number): string {
  if (days === 0) return 'renews today';
  if (days === 1) return 'renews tomorrow';
  return `renews in ${days} days`;
}

/** The rank of one account and why. */
export function accountPriority(input: PriorityInput, now: number): Priority {
  const redAlerts = input.alerts.filter((a) => a.severity === 'red');
  const redFlags = redAlerts.filter((a) => a.kind === 'flag');
  const yellow = input.alerts.filter((a) => a.severity === 'yellow');
  const overdueTasks = input.tasks.filter((t) => t.dueAt < now);
  const overdueCadence = input.cadence.filter((c) => c.dueAt < now);
  const redBand = input.band === 'red';
  const items = input.alerts.length + input.tasks.length + input.cadence.length;

  const severity: SeverityClass = redAlerts.length || redBand
    ? 'red'
    : overdueTasks.length ? 'overdueTask'
    : overdueCadence.length ? 'overdueCadence'
    : yellow.length ? 'yellow'
    : input.tasks.length ? 'task'
    : 'none';
  const worstLate = Math.max(0, ...overdueTasks.map((t) => daysLate(t.dueAt, now)), ...overdueCadence.map((c) => daysLate(c.dueAt, now)));
  const urgency = SEVERITY_POINTS[severity] + Math.min(MAX_OVERDUE_POINTS, worstLate) + Math.min(MAX_EXTRA_POINTS, Math.max(0, items - 1) * EXTRA_ITEM_POINTS);
  const renewsInDays = daysToRenewal(input.renewalDate, now);
  const score = severity === 'none' ? 0 : urgency * arrWeight(input.arr) * renewalWeight(renewsInDays);

  const reasons = [`${money(input.arr)} ARR`];
  if (renewsInDays !== null) reasons.push(renewalWords(renewsInDays));
  const taskWords = () => {
    const late = Math.max(...overdueTasks.map((t) => daysLate(t.dueAt, now)));
    return `${plural(overdueTasks.length, 'task')} overdue${late > 0 ? ` (by ${plural(late, 'day')})` : ''}`;
  };
  const cadenceWords = () => {
    const worst = [...overdueCadence].sort((a, b) => a.dueAt - b.dueAt)[0]!;
    const late = daysLate(worst.dueAt, now);
    const more = overdueCadence.length > 1 ? ` (+${overdueCadence.length - 1} more)` : '';
    // Never done: its due day counts from the account's start, which may be years back.
    if (worst.neverDone) return `${inSentence(worst.label)} never done${more}`;
    return `${inSentence(worst.label)} ${late > 0 ? `${plural(late, 'day')} overdue` : 'due'}${more}`;
  };
  if (severity === 'red') {
    if (redFlags.length) reasons.push(redFlags.length > 1 ? `${redFlags.length} red flags` : 'red flag');
    else if (redAlerts.length) reasons.push('dropped to red');
    else reasons.push('red band');
  } else if (severity === 'overdueTask') reasons.push(taskWords());
  else if (severity === 'overdueCadence') reasons.push(cadenceWords());
  else if (severity === 'yellow') reasons.push(yellow.length > 1 ? `${yellow.length} yellow alerts` : 'yellow alert');
  else if (severity === 'task') reasons.push(plural(input.tasks.length, 'open task'));
  // The most overdue item of another kind, when there is one: the next thing to look at.
  if (severity === 'red' || severity === 'overdueTask') {
    if (severity === 'red' && overdueTasks.length) reasons.push(taskWords());
    else if (overdueCadence.length) reasons.push(cadenceWords());
  }
  return { score, severity, renewsInDays, reasons, why: reasons.join(', '), items };
}

export interface Ranked<T> {
  entry: T;
  priority: Priority;
}

/**
 * Ranks entries by their priority (highest first); ties by ARR, then by `tieKey` so the order
 * is the same on every call.
 */
export function rankByPriority<T>(entries: readonly T[], input: (entry: T) => PriorityInput, tieKey: (entry: T) => string, now: number): Ranked<T>[] {
  return entries
    .map((entry) => ({ entry, priority: accountPriority(input(entry), now), arr: input(entry).arr, key: tieKey(entry) }))
    .sort((a, b) => b.priority.score - a.priority.score || b.arr - a.arr || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ entry, priority }) => ({ entry, priority }));
}

export interface RestSummary {
  accounts: number;
  items: number;
  touchpoints: number;
  tasks: number;
  alerts: number;
}

/**
 * The daily budget: the first `budget` ranked entries in full, and the rest counted so that
 * nothing is dropped without a word.
 */
export function applyBudget<T extends { cadence: readonly unknown[]; tasks: readonly unknown[]; alerts: readonly unknown[] }>(
  ranked: readonly T[],
  budget: number,
): { top: T[]; rest: T[]; summary: RestSummary } {
  const n = Math.max(0, Math.floor(budget));
  const top = ranked.slice(0, n);
  const rest = ranked.slice(n);
  const summary: RestSummary = { accounts: rest.length, items: 0, touchpoints: 0, tasks: 0, alerts: 0 };
  for (const e of rest) {
    summary.touchpoints += e.cadence.length;
    summary.tasks += e.tasks.length;
    summary.alerts += e.alerts.length;
  }
  summary.items = summary.touchpoints + summary.tasks + summary.alerts;
  return { top, rest, summary };
}

/** "34 more accounts with 51 items: 12 overdue touchpoints, 30 tasks, 9 alerts"; null when nothing is left. */
export function restSentence(s: RestSummary): string | null {
  if (s.accounts === 0) return null;
  const parts = [
    s.touchpoints ? plural(s.touchpoints, 'overdue touchpoint') : null,
    s.tasks ? plural(s.tasks, 'task') : null,
    s.alerts ? plural(s.alerts, 'alert') : null,
  ].filter((p): p is string => p !== null);
  return `${plural(s.accounts, 'more account')} with ${plural(s.items, 'item')}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}
