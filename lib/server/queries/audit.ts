import type { SqlParam, Store } from '@/lib/server/store';

export interface AuditFilters {
  action?: string;
  actor?: string;
  from?: number;
  to?: number;
  before?: number;
  limit?: number;
}

export interface AuditEntryRow {
  pk: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
}

/** The audit log, newest first, filtered by action (prefix), actor (part) and time. */
/** Wildcards typed are dropped; a backslash is matched as itself (PostgreSQL's LIKE escapes with it by default). */
const literal = (text: string) => text.replace(/[%_]/g, '').replace(/\\/g, '\\\\');

export async function listAudit(db: Store, filters: AuditFilters): Promise<{ entries: AuditEntryRow[]; nextBefore: number | null }> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (filters.action) {
    where.push(`action ${db.dialect.ilike} ? ESCAPE '\\'`);
    params.push(`${literal(filters.action)}%`);
  }
  if (filters.actor) {
    where.push(`actor ${db.dialect.ilike} ? ESCAPE '\\'`);
    params.push(`%${literal(filters.actor)}%`);
  }
  const add = (clause: string, value: number | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('at >= ?', filters.from);
  add('at < ?', filters.to);
  add('pk < ?', filters.before);
  const limit = Math.min(filters.limit ?? 100, 500);
  const rows = await db.all<{ pk: number; at: number; actor: string; action: string; target_type: string | null; target_id: string | null; details: string | null; ip: string | null }>(
    `SELECT pk, at, actor, action, target_type, target_id, details, ip FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY pk DESC LIMIT ?`,
    [...params, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({
      pk: r.pk, at: new Date(r.at).toISOString(), actor: r.actor, action: r.action,
      target: r.target_type ? `${r.target_type}${r.target_id ? ` ${r.target_id}` : ''}` : null,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null, ip: r.ip,
    })),
    nextBefore: rows.length > limit ? page[page.length - 1].pk : null,
  };
}

export async function auditActions(db: Store): Promise<string[]> {
  return db.column<string>('SELECT DISTINCT action FROM audit_log ORDER BY action');
}
