/**
 * Incoming event names mapped to triggers (Segment `track` names such as "Meeting Completed"),
 * and the names that arrived without a mapping, so admins can see what to map.
 */
import { AppError } from '../errors';
import { readUnmapped, UNMAPPED_SETTING } from '../queries/triggers';
import { recordAudit, type AuditEntry } from './audit';
import { dictFrom, hasKey } from '@/lib/dict';
import type { Store } from '@/lib/server/store';

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;

const UNMAPPED_KEEP = 100;

/** Maps an incoming name to a trigger (re-mapping a name that is already mapped). */
export async function addTriggerAlias(db: Store, input: { name: string; triggerKey: string }, actor: Actor): Promise<void> {
  const name = input.name.trim();
  const trigger = await db.get<{ key: string; retired_at: number | null }>('SELECT key, retired_at FROM triggers WHERE key = ?', [input.triggerKey]);
  if (!trigger || trigger.retired_at !== null) throw new AppError('invalid', 'Choose a trigger that exists', [{ path: 'triggerKey', message: `no active trigger "${input.triggerKey}"` }]);
  if (await db.get('SELECT 1 FROM triggers WHERE key = ?', [name])) {
    throw new AppError('invalid', `"${name}" is already a trigger key`, [{ path: 'name', message: 'This name is a trigger key itself; events with it need no mapping' }]);
  }
  await db.tx(async (tx) => {
    await tx.run('INSERT INTO trigger_aliases (name, trigger_key) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET trigger_key = excluded.trigger_key', [name, trigger.key]);
    await forgetUnmapped(tx, name);
    await recordAudit(tx, { ...actor, action: 'trigger_alias.added', targetType: 'trigger_alias', targetId: name, details: { triggerKey: trigger.key } });
  });
}

export async function removeTriggerAlias(db: Store, name: string, actor: Actor): Promise<void> {
  await db.tx(async (tx) => {
    const removed = await tx.value<string>('DELETE FROM trigger_aliases WHERE name = ? RETURNING trigger_key', [name]);
    if (removed === undefined) throw new AppError('not_found', `"${name}" is not mapped`);
    await recordAudit(tx, { ...actor, action: 'trigger_alias.removed', targetType: 'trigger_alias', targetId: name, details: { triggerKey: removed } });
  });
}

async function writeUnmapped(db: Store, map: Record<string, { count: number; lastSeenAt: number }>): Promise<void> {
  await db.run(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    [UNMAPPED_SETTING, JSON.stringify(map), Date.now()],
  );
}

/** Counts names that arrived without a trigger (the most recent 100 names are kept). */
export async function recordUnmappedNames(db: Store, names: string[], now = Date.now()): Promise<void> {
  if (!names.length) return;
  // Read for update: two batches counting at once on PostgreSQL add up instead of one losing its counts.
  const map = await readUnmapped(db, { forUpdate: true });
  for (const name of names) {
    const entry = (map[name] ??= { count: 0, lastSeenAt: now });
    entry.count += 1;
    entry.lastSeenAt = now;
  }
  const kept = Object.entries(map).sort((a, b) => b[1].lastSeenAt - a[1].lastSeenAt).slice(0, UNMAPPED_KEEP);
  await writeUnmapped(db, dictFrom(kept));
}

async function forgetUnmapped(db: Store, name: string): Promise<void> {
  const map = await readUnmapped(db, { forUpdate: true });
  if (!hasKey(map, name)) return;
  delete map[name];
  await writeUnmapped(db, map);
}
