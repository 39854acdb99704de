import type { Db } from '@/db/open';

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
export function listAudit(db: Db, filters: AuditFilters): { entries: AuditEntryRow[]; nextBefore: number | null } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.action) {
    where.push('action LIKE ?');
    params.push(`${filters.action.replace(/[%_]/g, '')}%`);
  }
  if (filters.actor) {
    where.push('actor LIKE ?');
    params.push(`%${filters.actor.replace(/[%_]/g, '')}%`);
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
  const rows = db.$client
    .prepare(`SELECT pk, at, actor, action, target_type, target_id, details, ip FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY pk DESC LIMIT ?`)
    .all(...params, limit + 1) as { pk: number; at: number; actor: string; action: string; target_type: string | null; target_id: string | null; details: string | null; ip: string | null }[];
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

export function auditActions(db: Db): string[] {
  return db.$client.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all() as string[];
}
