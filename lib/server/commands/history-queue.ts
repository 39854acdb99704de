/**
 * Events for past days make the daily snapshots from that day on stale. Writers queue the
 * account and day here (cheap, inside their transaction); a background job rebuilds them.
 */
import type { Store } from '@/lib/server/store';
import { rebuildHistory } from './history';
import { insertInto } from './row-writer';

export async function markHistoryStale(db: Store, fromDayByAccount: Map<number, number>, today: number): Promise<void> {
  const now = Date.now();
  // Today's snapshot is written with the current score; only earlier days need a rebuild. In pk
  // order, so that two transactions queueing the same accounts take their locks in one order.
  const rows = [...fromDayByAccount].sort((a, b) => a[0] - b[0]).flatMap(([pk, day]) => (day < today ? [[pk, day, now]] : []));
  await insertInto(
    db,
    'history_stale',
    ['account_pk', 'from_day', 'queued_at'],
    rows,
    `ON CONFLICT (account_pk) DO UPDATE SET from_day = ${db.dialect.least('history_stale.from_day', 'excluded.from_day')}`,
  );
}

/** Rebuilds the queued accounts' snapshots (up to `limit` accounts); returns how many were done. */
export async function processHistoryQueue(db: Store, limit = 200): Promise<number> {
  const queued = await db.all<{ account_pk: number; from_day: number }>('SELECT account_pk, from_day FROM history_stale ORDER BY queued_at LIMIT ?', [limit]);
  if (!queued.length) return 0;
  const byDay = new Map<number, number[]>();
  for (const q of queued) byDay.set(q.from_day, [...(byDay.get(q.from_day) ?? []), q.account_pk]);
  for (const [fromDay, pks] of byDay) {
    await rebuildHistory(db, { fromDay, accountPks: pks });
    // Only entries not moved earlier meanwhile are removed.
    await db.run(`DELETE FROM history_stale WHERE ${db.dialect.inJsonArray('account_pk', 'int')} AND from_day >= ?`, [JSON.stringify(pks), fromDay]);
  }
  return queued.length;
}
