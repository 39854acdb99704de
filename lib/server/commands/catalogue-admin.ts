/**
 * Admin changes to the trigger and feature catalogues. Keys never change (events, aggregates and
 * models refer to them); labels do. Retiring keeps every event and aggregate: a retired trigger
 * only stops accepting new events, a retired feature stops counting towards adoption.
 */
import type { Db } from '@/db/open';
import type { FeatureTier } from '@/lib/scoring';
import { AppError } from '../errors';
import { recordAudit, type AuditEntry } from './audit';

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;
type Kind = 'trigger' | 'feature';
const TABLE: Record<Kind, string> = { trigger: 'triggers', feature: 'features' };

function existing(db: Db, kind: Kind, key: string) {
  const row = db.$client.prepare(`SELECT key, label, retired_at FROM ${TABLE[kind]} WHERE key = ?`).get(key) as { key: string; label: string; retired_at: number | null } | undefined;
  if (!row) throw new AppError('not_found', `There is no ${kind} "${key}"`, [{ path: 'key', message: `no ${kind} "${key}"` }]);
  return row;
}

function refuseTaken(db: Db, kind: Kind, key: string) {
  const row = db.$client.prepare(`SELECT retired_at FROM ${TABLE[kind]} WHERE key = ?`).get(key) as { retired_at: number | null } | undefined;
  if (row) throw new AppError('conflict', `The ${kind} "${key}" already exists${row.retired_at ? ' (retired: restore it instead)' : ''}`, [{ path: 'key', message: `"${key}" is taken${row.retired_at ? ' by a retired ' + kind : ''}` }]);
}

export function createTrigger(db: Db, input: { key: string; label: string; description?: string }, actor: Actor): void {
  db.transaction((tx) => {
    refuseTaken(db, 'trigger', input.key);
    if (db.$client.prepare('SELECT 1 FROM trigger_aliases WHERE name = ?').get(input.key)) {
      throw new AppError('conflict', `"${input.key}" is mapped to a trigger already`, [{ path: 'key', message: 'an incoming event name maps this to another trigger; remove the mapping first' }]);
    }
    db.$client.prepare('INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, ?)').run(input.key, input.label, input.description || null, '[]');
    recordAudit(tx, { ...actor, action: 'trigger.created', targetType: 'trigger', targetId: input.key, details: { label: input.label } });
  });
}

export function createFeature(db: Db, input: { key: string; label: string; tier: FeatureTier }, actor: Actor): void {
  db.transaction((tx) => {
    refuseTaken(db, 'feature', input.key);
    db.$client.prepare('INSERT INTO features (key, label, tier) VALUES (?, ?, ?)').run(input.key, input.label, input.tier);
    recordAudit(tx, { ...actor, action: 'feature.created', targetType: 'feature', targetId: input.key, details: { label: input.label, tier: input.tier } });
  });
}

export function renameTrigger(db: Db, input: { key: string; label: string }, actor: Actor): void {
  db.transaction((tx) => {
    const row = existing(db, 'trigger', input.key);
    db.$client.prepare('UPDATE triggers SET label = ?, updated_at = ? WHERE key = ?').run(input.label, Date.now(), input.key);
    recordAudit(tx, { ...actor, action: 'trigger.renamed', targetType: 'trigger', targetId: input.key, details: { from: row.label, to: input.label } });
  });
}

export function updateFeature(db: Db, input: { key: string; label: string; tier: FeatureTier }, actor: Actor): { tierChanged: boolean } {
  return db.transaction((tx) => {
    const row = existing(db, 'feature', input.key);
    const tier = db.$client.prepare('SELECT tier FROM features WHERE key = ?').pluck().get(input.key) as FeatureTier;
    db.$client.prepare('UPDATE features SET label = ?, tier = ? WHERE key = ?').run(input.label, input.tier, input.key);
    recordAudit(tx, { ...actor, action: 'feature.updated', targetType: 'feature', targetId: input.key, details: { from: { label: row.label, tier }, to: { label: input.label, tier: input.tier } } });
    return { tierChanged: tier !== input.tier };
  });
}

/** Retires (or with `restore`, brings back) a trigger or feature; nothing recorded is deleted. */
export function setRetired(db: Db, kind: Kind, key: string, retired: boolean, actor: Actor): void {
  db.transaction((tx) => {
    const row = existing(db, kind, key);
    if ((row.retired_at !== null) === retired) throw new AppError('conflict', `The ${kind} "${key}" is ${retired ? 'already retired' : 'not retired'}`);
    const now = Date.now();
    const extra = kind === 'trigger' ? ', updated_at = ?' : '';
    db.$client.prepare(`UPDATE ${TABLE[kind]} SET retired_at = ?${extra} WHERE key = ?`).run(...(kind === 'trigger' ? [retired ? now : null, now, key] : [retired ? now : null, key]));
    recordAudit(tx, { ...actor, action: `${kind}.${retired ? 'retired' : 'restored'}`, targetType: kind, targetId: key });
  });
}

export interface CatalogueRow { key: string; label: string; tier?: FeatureTier; retiredAt: string | null }

export function listTriggerCatalogue(db: Db): CatalogueRow[] {
  const rows = db.$client
    .prepare('SELECT key, label, retired_at FROM triggers ORDER BY retired_at IS NOT NULL, key')
    .all() as { key: string; label: string; retired_at: number | null }[];
  return rows.map((r) => ({ key: r.key, label: r.label, retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null }));
}

export function listFeatureCatalogue(db: Db): CatalogueRow[] {
  const rows = db.$client.prepare('SELECT key, label, tier, retired_at FROM features ORDER BY retired_at IS NOT NULL, key').all() as { key: string; label: string; tier: FeatureTier; retired_at: number | null }[];
  return rows.map((r) => ({ key: r.key, label: r.label, tier: r.tier, retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null }));
}
