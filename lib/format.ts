/** Number and date formatting used across the UI (see UI.md: compact money, signed changes). */

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat('en-US');
const utcDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A UTC day as the pages write it: "4 Jul 2026" (`at`: epoch ms or an ISO timestamp). */
export function formatUtcDay(at: number | string): string {
  return utcDay.format(typeof at === 'string' ? Date.parse(at) : at);
}

export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `$${compact.format(value)}`;
}

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatCompact(value: number): string {
  return compact.format(value);
}

export function formatScore(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(1);
}

/** A fraction as a signed percentage with an arrow: 0.12 -> "▲ 12%", -0.333 -> "▼ 33%". */
export function formatChangePercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined) return '—';
  const pct = Math.round(fraction * 100);
  if (pct === 0) return '0%';
  return `${pct > 0 ? '▲' : '▼'} ${Math.abs(pct)}%`;
}

/** A score change in points: 4.2 -> "▲ 4.2", -3 -> "▼ 3.0". */
export function formatChangePoints(points: number | null | undefined): string {
  if (points === null || points === undefined) return '—';
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return '0.0';
  return `${rounded > 0 ? '▲' : '▼'} ${Math.abs(rounded).toFixed(1)}`;
}

/** A fraction as a percentage: 0.1234 -> "12.3%". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

const DAY = 86_400_000;

/** When a task is due, from now: "overdue by 3 days", "due earlier today", "due today", "due tomorrow", "due in 5 days". */
export function formatDue(dueAt: number, now: number): string {
  if (dueAt < now) {
    const late = Math.floor((now - dueAt) / DAY);
    return late === 0 ? 'due earlier today' : `overdue by ${late} day${late === 1 ? '' : 's'}`;
  }
  const ahead = Math.round((dueAt - now) / DAY);
  return ahead === 0 ? 'due today' : ahead === 1 ? 'due tomorrow' : `due in ${ahead} days`;
}
