/** Reads of the trigger catalogue for the admin pages: triggers, name mappings, unmapped names. */
import { dict, parseJsonDict } from '@/lib/dict';
import type { Store } from '@/lib/server/store';

export const UNMAPPED_SETTING = 'segment.unmappedEvents';

export interface TriggerOption { key: string; label: string }
export interface AliasRow { name: string; triggerKey: string; triggerLabel: string; createdAt: string }
export interface UnmappedName { name: string; count: number; lastSeenAt: string }

export async function listActiveTriggers(db: Store): Promise<TriggerOption[]> {
  return db.all<TriggerOption>('SELECT key, label FROM triggers WHERE retired_at IS NULL ORDER BY key');
}

export async function listAliases(db: Store): Promise<AliasRow[]> {
  const rows = await db.all<{ name: string; trigger_key: string; label: string; created_at: number }>(
    'SELECT a.name, a.trigger_key, t.label, a.created_at FROM trigger_aliases a JOIN triggers t ON t.key = a.trigger_key ORDER BY lower(a.name)',
  );
  return rows.map((r) => ({ name: r.name, triggerKey: r.trigger_key, triggerLabel: r.label, createdAt: new Date(r.created_at).toISOString() }));
}

/** `forUpdate`: on PostgreSQL, lock the setting's row until the caller's transaction ends (a read before a write). */
export async function readUnmapped(db: Store, options: { forUpdate?: boolean } = {}): Promise<Record<string, { count: number; lastSeenAt: number }>> {
  const lock = options.forUpdate && db.engine === 'postgres' ? ' FOR UPDATE' : '';
  const raw = await db.value<string>(`SELECT value FROM settings WHERE key = ?${lock}`, [UNMAPPED_SETTING]);
  return raw ? parseJsonDict<Record<string, { count: number; lastSeenAt: number }>>(raw) : dict();
}

/** Names that arrived without a trigger and still have none, most recent first. */
export async function listUnmappedNames(db: Store): Promise<UnmappedName[]> {
  const known = new Set(await db.column<string>('SELECT name FROM trigger_aliases UNION SELECT key FROM triggers WHERE retired_at IS NULL'));
  return Object.entries(await readUnmapped(db))
    .filter(([name]) => !known.has(name))
    .sort((a, b) => b[1].lastSeenAt - a[1].lastSeenAt)
    .map(([name, v]) => ({ name, count: v.count, lastSeenAt: new Date(v.lastSeenAt).toISOString() }));
}
