/**
 * The catalogue API's batches (`POST /api/v1/triggers`, `/features`, `/trigger-aliases`): each item
 * is upserted with the very commands the Triggers page runs (the same checks, audit entries and
 * effects), in the batch's order, in one transaction. Each item runs in a savepoint of its own, so
 * one refused item does not stop the others from being checked; if any was refused, the whole
 * transaction is rolled back and every refusal is answered with its index and field. An item that
 * changes nothing writes nothing (sending the same batch twice is harmless).
 */
import type { FeatureItem, TriggerAliasItem, TriggerItem } from '@/lib/catalogue-schemas';
import type { FeatureTier } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { AppError, type ErrorDetail } from '../errors';
import type { AuditEntry } from './audit';
import { createFeature, createTrigger, renameTrigger, setRetired, updateFeature } from './catalogue-admin';
import { startLiveRecomputeJob } from './model-job';
import { addTriggerAlias } from './trigger-aliases';

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;

/** pg_advisory_xact_lock's keys for "a catalogue batch": "TRCT", 0. Two batches naming the same new key take turns. */
const CATALOGUE_LOCK = '1414677332, 0';

/**
 * Applies `apply` to each item in one transaction (see the module's comment). `field` renames the
 * commands' field names to the API's; `name` is what must be unique within the batch.
 */
async function applyBatch<T>(
  db: Store,
  items: T[],
  name: { of: (item: T) => string; field: string },
  apply: (tx: Store, item: T) => Promise<void>,
  field: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const errors: ErrorDetail[] = [];
  const first = new Map<string, number>();
  const repeated = new Set<number>();
  items.forEach((item, index) => {
    const seen = first.get(name.of(item));
    if (seen === undefined) first.set(name.of(item), index);
    else {
      repeated.add(index);
      errors.push({ index, path: name.field, message: `duplicate of item ${seen} in this batch` });
    }
  });
  await db.tx(async (tx) => {
    if (tx.engine === 'postgres') await tx.run(`SELECT pg_advisory_xact_lock(${CATALOGUE_LOCK})`);
    for (const [index, item] of items.entries()) {
      if (repeated.has(index)) continue;
      try {
        await tx.tx((itemTx) => apply(itemTx, item));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (!error.details.length) errors.push({ index, path: '(item)', message: error.message });
        for (const d of error.details) errors.push({ index, path: field.get(d.path) ?? d.path, message: d.message });
      }
    }
    if (errors.length) {
      errors.sort((a, b) => a.index! - b.index!);
      const bad = new Set(errors.map((e) => e.index)).size;
      throw new AppError('invalid', `${bad} invalid item${bad > 1 ? 's' : ''} in the batch; nothing was written`, errors);
    }
  });
}

/** Creates or updates triggers by key: label, description (when given) and retired (when given). */
export async function upsertTriggers(db: Store, items: TriggerItem[], actor: Actor): Promise<{ upserted: number }> {
  await applyBatch(db, items, { of: (t) => t.key, field: 'key' }, async (tx, item) => {
    const row = await tx.get<{ label: string; description: string | null; retired_at: number | null }>('SELECT label, description, retired_at FROM triggers WHERE key = ?', [item.key]);
    if (!row) {
      await createTrigger(tx, item, actor);
      if (item.retired) await setRetired(tx, 'trigger', item.key, true, actor);
      return;
    }
    const description = item.description === undefined ? undefined : item.description || null;
    if (row.label !== item.label || (description !== undefined && description !== row.description)) {
      await renameTrigger(tx, { key: item.key, label: item.label, description }, actor);
    }
    if (item.retired !== undefined && item.retired !== (row.retired_at !== null)) await setRetired(tx, 'trigger', item.key, item.retired, actor);
  });
  return { upserted: items.length };
}

/**
 * Creates or updates features by key: label, tier and retired (when given). The adoption measure
 * reads the catalogue, so a batch that adds, re-tiers, retires or restores a feature starts the
 * recompute of every score with the live model, as the Triggers page does (`job`: its id).
 */
export async function upsertFeatures(db: Store, items: FeatureItem[], actor: Actor): Promise<{ upserted: number; job: number | null }> {
  let recompute = false;
  await applyBatch(db, items, { of: (f) => f.key, field: 'key' }, async (tx, item) => {
    const row = await tx.get<{ label: string; tier: FeatureTier; retired_at: number | null }>('SELECT label, tier, retired_at FROM features WHERE key = ?', [item.key]);
    if (!row) {
      await createFeature(tx, item, actor);
      if (item.retired) await setRetired(tx, 'feature', item.key, true, actor);
      recompute = true;
      return;
    }
    if (row.label !== item.label || row.tier !== item.tier) {
      if ((await updateFeature(tx, item, actor)).tierChanged) recompute = true;
    }
    if (item.retired !== undefined && item.retired !== (row.retired_at !== null)) {
      await setRetired(tx, 'feature', item.key, item.retired, actor);
      recompute = true;
    }
  });
  return { upserted: items.length, job: recompute ? await startLiveRecomputeJob(db, actor.actorUserPk ?? null) : null };
}

/** Maps incoming event names to trigger keys (re-mapping a name mapped before), by name. */
export async function upsertTriggerAliases(db: Store, items: TriggerAliasItem[], actor: Actor): Promise<{ upserted: number }> {
  await applyBatch(db, items, { of: (a) => a.name, field: 'name' }, async (tx, item) => {
    const current = await tx.value<string>('SELECT trigger_key FROM trigger_aliases WHERE name = ?', [item.name]);
    if (current === item.trigger) return;
    await addTriggerAlias(tx, { name: item.name, triggerKey: item.trigger }, actor);
  }, new Map([['triggerKey', 'trigger']]));
  return { upserted: items.length };
}
