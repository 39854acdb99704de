import type { Db } from '@/db/open';
import { migrateDatabase } from '@/db/open';
import { DEFAULT_TRIGGERS } from '@/lib/scoring';
import { ensureLiveModel } from './model';
import { backfillPackedAggregates, packedAggregatesMissing } from './packed-aggregates';

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
 * database that had aggregates before migration 0004 gets them packed here, once (about a minute
 * for ten million events).
 */
export function prepareDatabase(db: Db): Db {
  migrateDatabase(db);
  if (packedAggregatesMissing(db)) backfillPackedAggregates(db);
  ensureDefaultTriggers(db);
  ensureLiveModel(db);
  return db;
}
