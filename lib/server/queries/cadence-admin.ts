/**
 * What the cadence admin page reads: the published versions, how many accounts of each tier are
 * on cadence now, and the triggers an item may be fulfilled by (with their true/false properties).
 */
import { TIERS, type Tier } from '@/lib/scoring/types';
import type { Store } from '@/lib/server/store';
import { cadenceCompliance } from './cadence';

export interface CadenceVersionEntry {
  version: number;
  author: string;
  publishedAt: string;
  note: string | null;
}

/** Every published cadence version, newest first (none: the framework's defaults are live). */
export async function cadenceVersions(db: Store): Promise<CadenceVersionEntry[]> {
  const rows = await db.all<{ version: number; author: string; published_at: number; note: string | null }>(
    'SELECT version, author, published_at, note FROM cadence_versions ORDER BY version DESC',
  );
  return rows.map((r) => ({ version: r.version, author: r.author, publishedAt: new Date(r.published_at).toISOString(), note: r.note }));
}

export interface TierCompliance {
  tier: Tier;
  /** customers of the tier with cadence items */
  accounts: number;
  /** of them, those with nothing overdue */
  onCadence: number;
  /** onCadence / accounts (0 when there are none) */
  share: number;
}

/** Accounts on cadence per tier (every owner together), in the tiers' order; a tier without items counts 0. */
export async function complianceByTier(db: Store, now = Date.now()): Promise<TierCompliance[]> {
  const totals = new Map<string, { accounts: number; onCadence: number }>();
  for (const row of await cadenceCompliance(db, now)) {
    const t = totals.get(row.tier) ?? { accounts: 0, onCadence: 0 };
    t.accounts += row.accounts;
    t.onCadence += row.onCadence;
    totals.set(row.tier, t);
  }
  return TIERS.map((tier) => {
    const t = totals.get(tier) ?? { accounts: 0, onCadence: 0 };
    return { tier, accounts: t.accounts, onCadence: t.onCadence, share: t.accounts ? t.onCadence / t.accounts : 0 };
  });
}

export interface CadenceTrigger {
  key: string;
  label: string;
  retired: boolean;
  /** names of its true/false properties (an item may count only events where one is true) */
  flags: string[];
}

/** The trigger catalogue, active triggers first, each with its true/false properties. */
export async function cadenceTriggers(db: Store): Promise<CadenceTrigger[]> {
  const rows = await db.all<{ key: string; label: string; properties: string | null; retired_at: number | null }>(
    'SELECT key, label, CAST(properties AS TEXT) AS properties, retired_at FROM triggers ORDER BY retired_at IS NOT NULL, key',
  );
  return rows.map((r) => ({ key: r.key, label: r.label, retired: r.retired_at !== null, flags: booleanProperties(r.properties) }));
}

function booleanProperties(text: string | null): string[] {
  if (!text) return [];
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list
    .filter((p): p is { name: string; type: string } => !!p && typeof p === 'object' && typeof (p as { name?: unknown }).name === 'string' && (p as { type?: unknown }).type === 'boolean')
    .map((p) => p.name);
}
