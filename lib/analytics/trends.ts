/**
 * Portfolio trends from daily score snapshots, pure: the mean score and band counts per day,
 * the band migration matrix between two days, and a sentence for each.
 */
import { isoDate } from './cohort';
import { NO_DATA } from '@/lib/bands';
import { formatPercent as percent } from '@/lib/format';
import { round } from './stats';
import { DAY_MS } from '@/lib/scoring/window';

export interface BandRef {
  key: string;
  label: string;
}

/** One (day, band) cell of the snapshots of the accounts active that day. */
export interface SnapshotCell {
  day: number;
  band: string | null;
  accounts: number;
  /** sum of the scores (null band: no score) */
  scoreSum: number;
}

export interface TrendPoint {
  date: string;
  /** mean score of the accounts with a score, one decimal */
  mean: number | null;
  accounts: number;
  /** accounts per band key (and `no_data`) */
  bands: Record<string, number>;
}

export function trendSeries(cells: readonly SnapshotCell[], days: readonly number[], bands: readonly BandRef[]): TrendPoint[] {
  const byDay = new Map<number, SnapshotCell[]>();
  for (const c of cells) {
    const list = byDay.get(c.day);
    if (list) list.push(c);
    else byDay.set(c.day, [c]);
  }
  return days.map((day) => {
    const counts: Record<string, number> = Object.fromEntries([...bands.map((b) => [b.key, 0]), [NO_DATA.key, 0]]);
    let scored = 0;
    let sum = 0;
    let accounts = 0;
    for (const c of byDay.get(day) ?? []) {
      const key = c.band ?? NO_DATA.key;
      counts[key] = (counts[key] ?? 0) + c.accounts;
      accounts += c.accounts;
      if (c.band !== null) {
        scored += c.accounts;
        sum += c.scoreSum;
      }
    }
    return { date: isoDate(day * DAY_MS), mean: scored ? round(sum / scored, 1) : null, accounts, bands: counts };
  });
}

/** The days a chart shows: every day up to 120 days, else every 7th, always ending on `toDay`. */
export function sampleDays(fromDay: number, toDay: number): number[] {
  const step = toDay - fromDay + 1 <= 120 ? 1 : 7;
  const days: number[] = [];
  for (let d = toDay; d >= fromDay; d -= step) days.push(d);
  return days.reverse();
}

export function meanTrendSentence(points: readonly TrendPoint[]): string {
  const scored = points.filter((p) => p.mean !== null);
  if (scored.length === 0) return 'No account had a score in this period.';
  const first = scored[0]!;
  const last = scored[scored.length - 1]!;
  const change = round(last.mean! - first.mean!, 1)!;
  const direction = change > 0 ? `rose by ${change.toFixed(1)} points` : change < 0 ? `fell by ${Math.abs(change).toFixed(1)} points` : 'did not change';
  const low = scored.reduce((a, b) => (b.mean! < a.mean! ? b : a));
  return `The mean score ${direction}, from ${first.mean!.toFixed(1)} on ${first.date} to ${last.mean!.toFixed(1)} on ${last.date} (lowest ${low.mean!.toFixed(1)} on ${low.date}).`;
}

export function bandShareSentence(points: readonly TrendPoint[], bands: readonly BandRef[]): string {
  const withAccounts = points.filter((p) => p.accounts > 0);
  if (withAccounts.length === 0) return 'No active accounts in this period.';
  const first = withAccounts[0]!;
  const last = withAccounts[withAccounts.length - 1]!;
  const share = (p: TrendPoint, key: string) => (p.bands[key] ?? 0) / p.accounts;
  const parts = bands.map((b) => `${b.label} ${percent(share(first, b.key))} → ${percent(share(last, b.key))}`);
  return `Share of active accounts per band from ${first.date} to ${last.date}: ${parts.join('; ')}.`;
}

// ---------------------------------------------------------------- band migration

export const CHURNED = 'churned';

export interface MigrationPair {
  from: string | null;
  /** the band on the later day; ignored when churned */
  to: string | null;
  churned: boolean;
  arr: number;
}

export interface MigrationRow {
  from: string;
  label: string;
  accounts: number;
  arr: number;
  cells: { to: string; accounts: number; arr: number }[];
}

export interface MigrationMatrix {
  columns: BandRef[];
  rows: MigrationRow[];
  up: number;
  down: number;
  same: number;
  churned: number;
  total: number;
}

/** From band (rows: bands, then no score) to band (columns: bands, no score, churned). */
export function migrationMatrix(pairs: readonly MigrationPair[], bands: readonly BandRef[]): MigrationMatrix {
  const rowsRef: BandRef[] = [...bands, { key: NO_DATA.key, label: NO_DATA.label }];
  const columns: BandRef[] = [...rowsRef, { key: CHURNED, label: 'Churned' }];
  const rank = new Map(bands.map((b, i) => [b.key, i]));
  const cells = new Map<string, { accounts: number; arr: number }>();
  let up = 0;
  let down = 0;
  let same = 0;
  let churned = 0;
  for (const p of pairs) {
    const from = p.from !== null && rank.has(p.from) ? p.from : NO_DATA.key;
    const to = p.churned ? CHURNED : p.to !== null && rank.has(p.to) ? p.to : NO_DATA.key;
    const k = `${from}|${to}`;
    const cell = cells.get(k) ?? { accounts: 0, arr: 0 };
    cell.accounts++;
    cell.arr += p.arr;
    cells.set(k, cell);
    if (to === CHURNED) churned++;
    else if (from === to) same++;
    else if (rank.has(from) && rank.has(to)) {
      if (rank.get(to)! < rank.get(from)!) up++;
      else down++;
    }
  }
  const rows = rowsRef.map((r) => {
    const rowCells = columns.map((c) => ({ to: c.key, ...(cells.get(`${r.key}|${c.key}`) ?? { accounts: 0, arr: 0 }) }));
    return { from: r.key, label: r.label, accounts: rowCells.reduce((s, c) => s + c.accounts, 0), arr: rowCells.reduce((s, c) => s + c.arr, 0), cells: rowCells };
  });
  return { columns, rows, up, down, same, churned, total: pairs.length };
}

export function migrationSentence(m: MigrationMatrix, from: string, to: string): string {
  if (m.total === 0) return `No account was active on ${from}.`;
  const moved = m.total - m.same - m.up - m.down - m.churned;
  return (
    `Of the ${m.total} accounts active on ${from}, by ${to} ${m.same} stayed in their band, ${m.up} moved up, ${m.down} moved down and ${m.churned} churned` +
    (moved ? `; ${moved} gained or lost a score.` : '.')
  );
}
