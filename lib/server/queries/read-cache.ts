/**
 * A small cache for read answers that cost a scan (band counts), valid until the database
 * changes: the stamp is this connection's count of changed rows plus SQLite's data version
 * (which moves when another connection commits, e.g. a command-line rescore). Any write anywhere
 * invalidates every entry, so answers are never staler than the last commit; entries also expire
 * after `ttlMs` for what changes with the clock alone (an override expiring).
 */
import type { Db } from '@/db/open';

export function dataStamp(db: Db): string {
  const row = db.$client.prepare('SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS version').get() as { changes: number; version: number };
  return `${row.changes}:${row.version}`;
}

export class ReadCache<T> {
  private readonly perDb = new WeakMap<Db, Map<string, { stamp: string; at: number; value: T }>>();

  /** `stamp`: what must be unchanged for an entry to hold (default: any commit invalidates) */
  constructor(private readonly ttlMs: number, private readonly maxEntries = 200, private readonly stamp: (db: Db) => string = dataStamp) {}

  get(db: Db, key: string, compute: () => T, now = Date.now()): T {
    let entries = this.perDb.get(db);
    if (!entries) this.perDb.set(db, (entries = new Map()));
    const stamp = this.stamp(db);
    const hit = entries.get(key);
    if (hit && hit.stamp === stamp && now - hit.at < this.ttlMs) return hit.value;
    const value = compute();
    entries.delete(key);
    if (entries.size >= this.maxEntries) entries.delete(entries.keys().next().value!);
    entries.set(key, { stamp, at: now, value });
    return value;
  }
}
