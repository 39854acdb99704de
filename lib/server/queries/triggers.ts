/** Reads of the trigger catalogue for the admin pages: triggers, name mappings, unmapped names. */
import type { Db } from '@/db/open';
import { dict, parseJsonDict } from '@/lib/dict';

export const UNMAPPED_SETTING = 'segment.unmappedEvents';

export interface TriggerOption { key: string; label: string }
export interface AliasRow { name: string; triggerKey: string; triggerLabel: string; createdAt: string }
export interface UnmappedName { name: string; count: number; lastSeenAt: string }

export function listActiveTriggers(db: Db): TriggerOption[] {
  return db.$client.prepare('SELECT key, label FROM triggers WHERE retired_at IS NULL ORDER BY key').all() as TriggerOption[];
}

export function listAliases(db: Db): AliasRow[] {
  const rows = db.$client
    .prepare('SELECT a.name, a.trigger_key, t.label, a.created_at FROM trigger_aliases a JOIN triggers t ON t.key = a.trigger_key ORDER BY lower(a.name)')
    .all() as { name: string; trigger_key: string; label: string; created_at: number }[];
  return rows.map((r) => ({ name: r.name, triggerKey: r.trigger_key, triggerLabel: r.label, createdAt: new Date(r.created_at).toISOString() }));
}

export function readUnmapped(db: Db): Record<string, { count: number; lastSeenAt: number }> {
  const raw = db.$client.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(UNMAPPED_SETTING) as string | undefined;
  return raw ? parseJsonDict<Record<string, { count: number; lastSeenAt: number }>>(raw) : dict();
}

/** Names that arrived without a trigger and still have none, most recent first. */
export function listUnmappedNames(db: Db): UnmappedName[] {
  const known = new Set(db.$client.prepare('SELECT name FROM trigger_aliases UNION SELECT key FROM triggers WHERE retired_at IS NULL').pluck().all() as string[]);
  return Object.entries(readUnmapped(db))
    .filter(([name]) => !known.has(name))
    .sort((a, b) => b[1].lastSeenAt - a[1].lastSeenAt)
    .map(([name, v]) => ({ name, count: v.count, lastSeenAt: new Date(v.lastSeenAt).toISOString() }));
}
