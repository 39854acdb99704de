import type { Db } from '@/db/open';
import { migrateDatabase } from '@/db/open';
import { DEFAULT_TRIGGERS } from '@/lib/scoring';
import { ensureLiveModel } from './model';
import { rebuildAggregates } from './aggregates';
import { packedAggregatesMissing } from './packed-aggregates';

/** A database with no triggers at all gets the default catalogue, so events can arrive at once. */
export function ensureDefaultTriggers(db: Db): void {
  const c = db.$client;
  if ((c.prepare('SELECT count(*) FROM triggers').pluck().get() as number) > 0) return;
  const insert = c.prepare('INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const t of DEFAULT_TRIGGERS) insert.run(t.key, t.label, t.description, JSON.stringify(t.properties));
  });
}

/**
 * Migrations, the default trigger catalogue and the default model: what every start needs. A
 * database with events but no packed aggregates (upgraded from a version that kept them in the
 * agg_daily tables, which migration 0005 drops) gets its aggregates rebuilt from the raw events
 * here, once (a few minutes for ten million events).
 */
export function prepareDatabase(db: Db): Db {
  migrateDatabase(db);
  if (packedAggregatesMissing(db)) rebuildAggregates(db);
  ensureDefaultTriggers(db);
  ensureLiveModel(db);
  return db;
}
