import type { Store } from '@/lib/server/store';

export interface AuditEntry {
  actor: string;
  actorUserPk?: number | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends to the audit log. Call it inside the transaction of the change it records. */
export async function recordAudit(db: Store, entry: AuditEntry): Promise<void> {
  await db.run(
    'INSERT INTO audit_log (actor, actor_user_pk, action, target_type, target_id, details, ip, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [
      entry.actor,
      entry.actorUserPk ?? null,
      entry.action,
      entry.targetType ?? null,
      entry.targetId ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
      entry.ip ?? null,
      Date.now(),
    ],
  );
}
