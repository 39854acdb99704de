import 'server-only';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { openStore, SqliteStore, type Store } from '@/lib/server/store';

export type { Store } from '@/lib/server/store';

const globalForStore = globalThis as unknown as { trellisStore?: Promise<Store> };

/**
 * The app's store for `DATABASE_URL` (a SQLite file by default, or PostgreSQL), migrated and
 * prepared on first use and kept across hot reloads in development. A failed open is not kept:
 * the next call tries again.
 */
export function getStore(): Promise<Store> {
  if (!globalForStore.trellisStore) {
    const opening = openStore()
      .then((store) => {
        if (store instanceof SqliteStore) store.checkpointInThread();
        return store;
      })
      .then(prepareDatabase);
    globalForStore.trellisStore = opening;
    opening.catch(() => {
      if (globalForStore.trellisStore === opening) globalForStore.trellisStore = undefined;
    });
  }
  return globalForStore.trellisStore;
}
