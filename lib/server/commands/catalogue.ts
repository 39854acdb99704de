import { APP_TRIGGERS } from '@/lib/programme/touchpoints';
import { DEFAULT_TRIGGERS } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';
import { packedAggregatesMissing, rebuildAggregates } from '../aggregates';
import { ensureTouches } from './cadence';
import { ensureLiveModel } from './model';

/** A database with no triggers at all gets the default catalogue, so events can arrive at once. */
export async function ensureDefaultTriggers(db: Store): Promise<void> {
  if (((await db.value<number>('SELECT count(*) FROM triggers')) ?? 0) > 0) return;
  const tuple = '(?, ?, ?, ?)';
  // One statement; a process starting at the same moment may have written them first.
  await db.run(
    `INSERT INTO triggers (key, label, description, properties) VALUES ${DEFAULT_TRIGGERS.map(() => tuple).join(', ')} ON CONFLICT (key) DO NOTHING`,
    DEFAULT_TRIGGERS.flatMap((t) => [t.key, t.label, t.description, JSON.stringify(t.properties)]),
  );
}

/** The triggers the app's own forms write (a note logged on an account), on every database. */
export async function ensureAppTriggers(db: Store): Promise<void> {
  await db.run(
    `INSERT INTO triggers (key, label, description, properties) VALUES ${APP_TRIGGERS.map(() => '(?, ?, ?, ?)').join(', ')} ON CONFLICT (key) DO NOTHING`,
    APP_TRIGGERS.flatMap((t) => [t.key, t.label, t.description, JSON.stringify(t.properties)]),
  );
}

/**
 * What every start needs once the store is open and migrated (openStore migrates): the default
 * trigger catalogue and the default model. A database with events but no packed aggregates
 * (upgraded from a version that kept them in the agg_daily tables, which migration 0005 drops)
 * gets its aggregates rebuilt from the raw events here, once (a few minutes for ten million events).
 */
export async function prepareDatabase(db: Store): Promise<Store> {
  if (await packedAggregatesMissing(db)) await rebuildAggregates(db);
  await ensureDefaultTriggers(db);
  await ensureAppTriggers(db);
  await ensureTouches(db);
  await ensureLiveModel(db);
  return db;
}
