/**
 * Admin changes to the trigger and feature catalogues. Keys never change (events, aggregates and
 * models refer to them); labels do. Retiring keeps every event and aggregate: a retired trigger
 * only stops accepting new events, a retired feature stops counting towards adoption.
 */
import type { FeatureTier } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { recordAudit, type AuditEntry } from './audit';

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;
type Kind = 'trigger' | 'feature';
const TABLE: Record<Kind, string> = { trigger: 'triggers', feature: 'features' };

/** The row, locked on PostgreSQL until the transaction ends (its change is read, then written). */
async function existing(db: Store, kind: Kind, key: string) {
  const lock = db.engine === 'postgres' ? ' FOR UPDATE' : '';
  const row = await db.get<{ key: string; label: string; retired_at: number | null }>(`SELECT key, label, retired_at FROM ${TABLE[kind]} WHERE key = ?${lock}`, [key]);
  if (!row) throw new AppError('not_found', `There is no ${kind} "${key}"`, [{ path: 'key', message: `no ${kind} "${key}"` }]);
  return row;
}

async function refuseTaken(db: Store, kind: Kind, key: string) {
  const row = await db.get<{ retired_at: number | null }>(`SELECT retired_at FROM ${TABLE[kind]} WHERE key = ?`, [key]);
  if (row) throw new AppError('conflict', `The ${kind} "${key}" already exists${row.retired_at ? ' (retired: restore it instead)' : ''}`, [{ path: 'key', message: `"${key}" is taken${row.retired_at ? ' by a retired ' + kind : ''}` }]);
}

export async function createTrigger(db: Store, input: { key: string; label: string; description?: string | null }, actor: Actor): Promise<void> {
  await db.tx(async (tx) => {
    await refuseTaken(tx, 'trigger', input.key);
    if (await tx.get('SELECT 1 FROM trigger_aliases WHERE name = ?', [input.key])) {
      throw new AppError('conflict', `"${input.key}" is mapped to a trigger already`, [{ path: 'key', message: 'an incoming event name maps this to another trigger; remove the mapping first' }]);
    }
    await tx.run('INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, ?)', [input.key, input.label, input.description || null, '[]']);
    await recordAudit(tx, { ...actor, action: 'trigger.created', targetType: 'trigger', targetId: input.key, details: { label: input.label } });
  });
}

export async function createFeature(db: Store, input: { key: string; label: string; tier: FeatureTier }, actor: Actor): Promise<void> {
  await db.tx(async (tx) => {
    await refuseTaken(tx, 'feature', input.key);
    await tx.run('INSERT INTO features (key, label, tier) VALUES (?, ?, ?)', [input.key, input.label, input.tier]);
    await recordAudit(tx, { ...actor, action: 'feature.created', targetType: 'feature', targetId: input.key, details: { label: input.label, tier: input.tier } });
  });
}

/**
 * Renames a trigger (its key stays). `description`, when given, replaces the description too (null
 * or empty: none); the audit entry says what changed.
 */
export async function renameTrigger(db: Store, input: { key: string; label: string; description?: string | null }, actor: Actor): Promise<void> {
  await db.tx(async (tx) => {
    const row = await existing(tx, 'trigger', input.key);
    const details: Record<string, unknown> = { from: row.label, to: input.label };
    if (input.description === undefined) {
      await tx.run('UPDATE triggers SET label = ?, updated_at = ? WHERE key = ?', [input.label, Date.now(), input.key]);
    } else {
      const before = (await tx.value<string | null>('SELECT description FROM triggers WHERE key = ?', [input.key])) ?? null;
      const after = input.description || null;
      if (before !== after) details.description = { from: before, to: after };
      await tx.run('UPDATE triggers SET label = ?, description = ?, updated_at = ? WHERE key = ?', [input.label, after, Date.now(), input.key]);
    }
    const action = row.label === input.label && details.description ? 'trigger.updated' : 'trigger.renamed';
    await recordAudit(tx, { ...actor, action, targetType: 'trigger', targetId: input.key, details });
  });
}

export async function updateFeature(db: Store, input: { key: string; label: string; tier: FeatureTier }, actor: Actor): Promise<{ tierChanged: boolean }> {
  return db.tx(async (tx) => {
    const row = await existing(tx, 'feature', input.key);
    const tier = (await tx.value<FeatureTier>('SELECT tier FROM features WHERE key = ?', [input.key]))!;
    await tx.run('UPDATE features SET label = ?, tier = ? WHERE key = ?', [input.label, input.tier, input.key]);
    await recordAudit(tx, { ...actor, action: 'feature.updated', targetType: 'feature', targetId: input.key, details: { from: { label: row.label, tier }, to: { label: input.label, tier: input.tier } } });
    return { tierChanged: tier !== input.tier };
  });
}

/** Retires (or with `restore`, brings back) a trigger or feature; nothing recorded is deleted. */
export async function setRetired(db: Store, kind: Kind, key: string, retired: boolean, actor: Actor): Promise<void> {
  await db.tx(async (tx) => {
    const row = await existing(tx, kind, key);
    if ((row.retired_at !== null) === retired) throw new AppError('conflict', `The ${kind} "${key}" is ${retired ? 'already retired' : 'not retired'}`);
    const now = Date.now();
    const extra = kind === 'trigger' ? ', updated_at = ?' : '';
    await tx.run(`UPDATE ${TABLE[kind]} SET retired_at = ?${extra} WHERE key = ?`, kind === 'trigger' ? [retired ? now : null, now, key] : [retired ? now : null, key]);
    await recordAudit(tx, { ...actor, action: `${kind}.${retired ? 'retired' : 'restored'}`, targetType: kind, targetId: key });
  });
}

export interface CatalogueRow { key: string; label: string; description?: string | null; tier?: FeatureTier; retiredAt: string | null }

export async function listTriggerCatalogue(db: Store): Promise<CatalogueRow[]> {
  const rows = await db.all<{ key: string; label: string; description: string | null; retired_at: number | null }>('SELECT key, label, description, retired_at FROM triggers ORDER BY retired_at IS NOT NULL, key');
  return rows.map((r) => ({ key: r.key, label: r.label, description: r.description, retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null }));
}

export async function listFeatureCatalogue(db: Store): Promise<CatalogueRow[]> {
  const rows = await db.all<{ key: string; label: string; tier: FeatureTier; retired_at: number | null }>('SELECT key, label, tier, retired_at FROM features ORDER BY retired_at IS NOT NULL, key');
  return rows.map((r) => ({ key: r.key, label: r.label, tier: r.tier, retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null }));
}
