/**
 * Cadence compliance (the share of accounts with no touchpoint overdue) by CSM and by tier, from
 * the per-owner-and-tier counts of lib/server/queries/cadence.ts, with a sentence for each chart.
 * Pure: no I/O.
 */
import { formatPercent } from '@/lib/format';

export interface ComplianceCell {
  owner: string | null;
  tier: string;
  accounts: number;
  onCadence: number;
}

export interface ComplianceGroup {
  /** the owner's email or the tier; null: accounts without an owner */
  key: string | null;
  label: string;
  accounts: number;
  onCadence: number;
  /** onCadence / accounts */
  share: number;
}

export interface ComplianceView {
  overall: { accounts: number; onCadence: number; share: number | null };
  byOwner: ComplianceGroup[];
  byTier: ComplianceGroup[];
}

const TIER_ORDER = ['strategic', 'growth', 'core', 'nurture'];
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function groupBy(cells: readonly ComplianceCell[], keyOf: (c: ComplianceCell) => string | null, labelOf: (key: string | null) => string): ComplianceGroup[] {
  const groups = new Map<string | null, ComplianceGroup>();
  for (const c of cells) {
    const key = keyOf(c);
    const g = groups.get(key) ?? { key, label: labelOf(key), accounts: 0, onCadence: 0, share: 0 };
    g.accounts += c.accounts;
    g.onCadence += c.onCadence;
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ ...g, share: g.accounts ? g.onCadence / g.accounts : 0 }));
}

export function complianceView(cells: readonly ComplianceCell[]): ComplianceView {
  const accounts = cells.reduce((n, c) => n + c.accounts, 0);
  const onCadence = cells.reduce((n, c) => n + c.onCadence, 0);
  const byOwner = groupBy(cells, (c) => c.owner, (k) => k ?? 'No owner')
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)));
  const rank = (t: string | null) => (t === null ? 99 : TIER_ORDER.indexOf(t) < 0 ? 98 : TIER_ORDER.indexOf(t));
  const byTier = groupBy(cells, (c) => c.tier, (k) => capital(k ?? 'none')).sort((a, b) => rank(a.key) - rank(b.key) || a.label.localeCompare(b.label));
  return { overall: { accounts, onCadence, share: accounts ? onCadence / accounts : null }, byOwner, byTier };
}

/** "62.0% of the 143 accounts with a cadence have nothing overdue; most on cadence: …; furthest behind: …." */
export function complianceSentence(view: ComplianceView, groups: ComplianceGroup[], what: string): string {
  if (view.overall.share === null) return 'No account has a cadence to keep yet: their tiers call for no touchpoints, or the cadence has not been computed.';
  const start = `${formatPercent(view.overall.share)} of the ${view.overall.accounts} account${view.overall.accounts === 1 ? '' : 's'} with a cadence have no touchpoint overdue`;
  if (groups.length < 2) return `${start}.`;
  const sorted = [...groups].sort((a, b) => b.share - a.share || b.accounts - a.accounts);
  const best = sorted[0]!;
  const worst = sorted[sorted.length - 1]!;
  if (best.share === worst.share) return `${start}, the same share for every ${what}.`;
  return `${start}; most on cadence: ${best.label} (${formatPercent(best.share, 0)}); furthest behind: ${worst.label} (${formatPercent(worst.share, 0)}).`;
}
