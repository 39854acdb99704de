/**
 * A small cache for read answers that cost a scan (band counts), valid until the database
 * changes. Any write anywhere invalidates every entry, so answers are never staler than the last
 * commit, whichever process made it; entries also expire after `ttlMs` for what changes with the
 * clock alone (an override expiring). The stamp costs one small query per read:
 *   - SQLite: this connection's count of changed rows plus the file's data version (which moves
 *     when another connection commits, e.g. a command-line rescore).
 *   - PostgreSQL: the server's current snapshot (`pg_current_snapshot()`), which changes whenever
 *     any transaction that wrote completes, in any process or session (transactions that only read
 *     leave it alone; a write in another database of the same server only costs a recomputation).
 *     A transaction that has written itself does not use the cache: the snapshot does not move
 *     with its own uncommitted writes.
 */
import type { Store } from '@/lib/server/store';

/** What must be unchanged for an entry to hold; null: answer without the cache. */
export type Stamp = (db: Store) => Promise<string | null>;

export async function dataStamp(db: Store): Promise<string | null> {
  if (db.engine === 'sqlite') {
    const row = (await db.get<{ changes: number; version: number }>('SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS version'))!;
    return `${row.changes}:${row.version}`;
  }
  const row = (await db.get<{ snapshot: string; writing: number }>(
    'SELECT CAST(pg_current_snapshot() AS text) AS snapshot, CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN 0 ELSE 1 END AS writing',
  ))!;
  return row.writing === 1 ? null : row.snapshot;
}

export class ReadCache<T> {
  private readonly perDb = new WeakMap<Store, Map<string, { stamp: string; at: number; value: T }>>();
  /** answers being computed: a read that misses while one is under way waits for it instead of scanning too */
  private readonly computing = new WeakMap<Store, Map<string, { stamp: string; value: Promise<T> }>>();

  /**
   * `stamp`: what must be unchanged for an entry to hold (default: any commit invalidates).
   * `stale`: while `when()` holds, an entry younger than `ms` is answered even though the data
   * changed since (under a stream of commits, a scan per commit would cost more than it tells).
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 200,
    private readonly stamp: Stamp = dataStamp,
    private readonly stale?: { ms: number; when: () => boolean },
  ) {}

  async get(db: Store, key: string, compute: () => Promise<T>, now = Date.now()): Promise<T> {
    const stamp = await this.stamp(db);
    if (stamp === null) return compute();
    let entries = this.perDb.get(db);
    if (!entries) this.perDb.set(db, (entries = new Map()));
    const hit = entries.get(key);
    if (hit && hit.stamp === stamp && now - hit.at < this.ttlMs) return hit.value;
    if (hit && this.stale && now - hit.at < this.stale.ms && this.stale.when()) return hit.value;
    let computing = this.computing.get(db);
    if (!computing) this.computing.set(db, (computing = new Map()));
    // Begun at this stamp (or, while a stale answer may do, at any): its answer is as good as a new one.
    const under = computing.get(key);
    if (under && (under.stamp === stamp || (this.stale && this.stale.when()))) return under.value;
    const value = compute();
    const mine = { stamp, value };
    computing.set(key, mine);
    try {
      const answer = await value;
      entries.delete(key);
      if (entries.size >= this.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { stamp, at: now, value: answer });
      return answer;
    } finally {
      if (computing.get(key) === mine) computing.delete(key);
    }
  }
}
