/** An account's recent events and outcomes, newest first. */
import type { SqlParam, Store } from '@/lib/server/store';

export interface TimelineEvent {
  id: string | null;
  type: string;
  occurredAt: string;
  count: number;
  contact: string | null;
  properties: Record<string, unknown> | null;
  source: string | null;
}

export async function accountTimeline(db: Store, accountPk: number, options: { types?: string[]; before?: number; limit?: number } = {}): Promise<TimelineEvent[]> {
  const where = ['e.account_pk = ?'];
  const params: SqlParam[] = [accountPk];
  if (options.types?.length) {
    where.push(`e.type IN (${options.types.map(() => '?').join(',')})`);
    params.push(...options.types);
  }
  if (options.before) {
    where.push('e.occurred_at < ?');
    params.push(options.before);
  }
  const rows = await db.all<{ id: string | null; type: string; occurred_at: number; count: number; contact: string | null; properties: string | null; source: string | null }>(
    `SELECT e.id, e.type, e.occurred_at, e.count, coalesce(ct.name, ct.id) AS contact, e.properties, e.source
     FROM events e LEFT JOIN contacts ct ON ct.pk = e.contact_pk
     WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.pk DESC LIMIT ?`,
    [...params, Math.min(options.limit ?? 50, 200)],
  );
  return rows.map((r) => ({
    id: r.id, type: r.type, occurredAt: new Date(r.occurred_at).toISOString(), count: r.count, contact: r.contact,
    properties: r.properties ? (JSON.parse(r.properties) as Record<string, unknown>) : null, source: r.source,
  }));
}

export async function accountOutcomes(db: Store, accountPk: number) {
  return (await db.all<{ type: string; occurred_at: number; arr_delta: number | null; reason: string | null }>(
    'SELECT type, occurred_at, arr_delta, reason FROM outcomes WHERE account_pk = ? ORDER BY occurred_at DESC, pk DESC',
    [accountPk],
  )).map((o) => ({ type: o.type, occurredAt: new Date(o.occurred_at).toISOString(), arrDelta: o.arr_delta, reason: o.reason }));
}

export async function modelVersionMarkers(db: Store) {
  return (await db.all<{ version: number; published_at: number; note: string | null }>('SELECT version, published_at, note FROM model_versions ORDER BY version')).map(
    (v) => ({ version: v.version, publishedAt: new Date(v.published_at).toISOString(), note: v.note }),
  );
}
