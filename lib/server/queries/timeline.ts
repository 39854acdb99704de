/** An account's recent events and outcomes, newest first. */
import type { Db } from '@/db/open';

export interface TimelineEvent {
  id: string | null;
  type: string;
  occurredAt: string;
  count: number;
  contact: string | null;
  properties: Record<string, unknown> | null;
  source: string | null;
}

export function accountTimeline(db: Db, accountPk: number, options: { types?: string[]; before?: number; limit?: number } = {}): TimelineEvent[] {
  const where = ['e.account_pk = ?'];
  const params: unknown[] = [accountPk];
  if (options.types?.length) {
    where.push(`e.type IN (${options.types.map(() => '?').join(',')})`);
    params.push(...options.types);
  }
  if (options.before) {
    where.push('e.occurred_at < ?');
    params.push(options.before);
  }
  const rows = db.$client
    .prepare(
      `SELECT e.id, e.type, e.occurred_at, e.count, coalesce(ct.name, ct.id) AS contact, e.properties, e.source
       FROM events e LEFT JOIN contacts ct ON ct.pk = e.contact_pk
       WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC LIMIT ?`,
    )
    .all(...params, Math.min(options.limit ?? 50, 200)) as { id: string | null; type: string; occurred_at: number; count: number; contact: string | null; properties: string | null; source: string | null }[];
  return rows.map((r) => ({
    id: r.id, type: r.type, occurredAt: new Date(r.occurred_at).toISOString(), count: r.count, contact: r.contact,
    properties: r.properties ? (JSON.parse(r.properties) as Record<string, unknown>) : null, source: r.source,
  }));
}

export function accountOutcomes(db: Db, accountPk: number) {
  return (db.$client.prepare('SELECT type, occurred_at, arr_delta, reason FROM outcomes WHERE account_pk = ? ORDER BY occurred_at DESC').all(accountPk) as {
    type: string; occurred_at: number; arr_delta: number | null; reason: string | null;
  }[]).map((o) => ({ type: o.type, occurredAt: new Date(o.occurred_at).toISOString(), arrDelta: o.arr_delta, reason: o.reason }));
}

export function modelVersionMarkers(db: Db) {
  return (db.$client.prepare('SELECT version, published_at, note FROM model_versions ORDER BY version').all() as { version: number; published_at: number; note: string | null }[]).map(
    (v) => ({ version: v.version, publishedAt: new Date(v.published_at).toISOString(), note: v.note }),
  );
}
