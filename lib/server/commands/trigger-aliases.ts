/**
 * Incoming event names mapped to triggers (Segment `track` names such as "Meeting Completed"),
 * and the names that arrived without a mapping, so admins can see what to map.
 */
import type { Db } from '@/db/open';
import { AppError } from '../errors';
import { readUnmapped, UNMAPPED_SETTING } from '../queries/triggers';
import { recordAudit, type AuditEntry } from './audit';
import { dictFrom, hasKey } from '@/lib/dict';

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;

const UNMAPPED_KEEP = 100;

/** Maps an incoming name to a trigger (re-mapping a name that is already mapped). */
export function addTriggerAlias(db: Db, input: { name: string; triggerKey: string }, actor: Actor): void {
  const c = db.$client;
  const name = input.name.trim();
  const trigger = c.prepare('SELECT key, retired_at FROM triggers WHERE key = ?').get(input.triggerKey) as { key: string; retired_at: number | null } | undefined;
  if (!trigger || trigger.retired_at !== null) throw new AppError('invalid', 'Choose a trigger that exists', [{ path: 'triggerKey', message: `no active trigger "${input.triggerKey}"` }]);
  if (c.prepare('SELECT 1 FROM triggers WHERE key = ?').get(name)) {
    throw new AppError('invalid', `"${name}" is already a trigger key`, [{ path: 'name', message: 'This name is a trigger key itself; events with it need no mapping' }]);
  }
  db.transaction((tx) => {
    c.prepare('INSERT INTO trigger_aliases (name, trigger_key) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET trigger_key = excluded.trigger_key').run(name, trigger.key);
    forgetUnmapped(db, name);
    recordAudit(tx, { ...actor, action: 'trigger_alias.added', targetType: 'trigger_alias', targetId: name, details: { triggerKey: trigger.key } });
  });
}

export function removeTriggerAlias(db: Db, name: string, actor: Actor): void {
  db.transaction((tx) => {
    const removed = db.$client.prepare('DELETE FROM trigger_aliases WHERE name = ? RETURNING trigger_key').pluck().get(name) as string | undefined;
    if (removed === undefined) throw new AppError('not_found', `"${name}" is not mapped`);
    recordAudit(tx, { ...actor, action: 'trigger_alias.removed', targetType: 'trigger_alias', targetId: name, details: { triggerKey: removed } });
  });
}

function writeUnmapped(db: Db, map: Record<string, { count: number; lastSeenAt: number }>): void {
  db.$client
    .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
    .run(UNMAPPED_SETTING, JSON.stringify(map), Date.now());
}

/** Counts names that arrived without a trigger (the most recent 100 names are kept). */
export function recordUnmappedNames(db: Db, names: string[], now = Date.now()): void {
  if (!names.length) return;
  const map = readUnmapped(db);
  for (const name of names) {
    const entry = (map[name] ??= { count: 0, lastSeenAt: now });
    entry.count += 1;
    entry.lastSeenAt = now;
  }
  const kept = Object.entries(map).sort((a, b) => b[1].lastSeenAt - a[1].lastSeenAt).slice(0, UNMAPPED_KEEP);
  writeUnmapped(db, dictFrom(kept));
}

function forgetUnmapped(db: Db, name: string): void {
  const map = readUnmapped(db);
  if (!hasKey(map, name)) return;
  delete map[name];
  writeUnmapped(db, map);
}
