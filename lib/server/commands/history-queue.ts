/**
 * Events for past days make the daily snapshots from that day on stale. Writers queue the
 * account and day here (cheap, inside their transaction); a background job rebuilds them.
 */
import type { Db } from '@/db/open';
import { rebuildHistory } from './history';

export function markHistoryStale(db: Db, fromDayByAccount: Map<number, number>, today: number): void {
  const upsert = db.$client.prepare(
    'INSERT INTO history_stale (account_pk, from_day, queued_at) VALUES (?, ?, ?) ON CONFLICT (account_pk) DO UPDATE SET from_day = min(from_day, excluded.from_day)',
  );
  const now = Date.now();
  // Today's snapshot is written with the current score; only earlier days need a rebuild.
  for (const [pk, day] of fromDayByAccount) if (day < today) upsert.run(pk, day, now);
}

/** Rebuilds the queued accounts' snapshots (up to `limit` accounts); returns how many were done. */
export function processHistoryQueue(db: Db, limit = 200): number {
  const c = db.$client;
  const queued = c.prepare('SELECT account_pk, from_day FROM history_stale ORDER BY queued_at LIMIT ?').all(limit) as { account_pk: number; from_day: number }[];
  if (!queued.length) return 0;
  const byDay = new Map<number, number[]>();
  for (const q of queued) byDay.set(q.from_day, [...(byDay.get(q.from_day) ?? []), q.account_pk]);
  const remove = c.prepare('DELETE FROM history_stale WHERE account_pk = ? AND from_day >= ?');
  for (const [fromDay, pks] of byDay) {
    rebuildHistory(db, { fromDay, accountPks: pks });
    // Only entries not moved earlier meanwhile are removed.
    db.transaction(() => pks.forEach((pk) => remove.run(pk, fromDay)));
  }
  return queued.length;
}
