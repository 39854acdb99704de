import 'server-only';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { type Db, openDatabase } from './open';

export type { Db } from './open';

const globalForDb = globalThis as unknown as { trellisDb?: Db };

/** The app's one connection, migrated on first use and cached across hot reloads in development. */
export function getDb(): Db {
  if (!globalForDb.trellisDb) globalForDb.trellisDb = prepareDatabase(openDatabase());
  return globalForDb.trellisDb;
}
