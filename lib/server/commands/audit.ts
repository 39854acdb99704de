import type { DbLike } from '@/db/open';
import { auditLog } from '@/db/schema';

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
export function recordAudit(db: DbLike, entry: AuditEntry): void {
  db.insert(auditLog)
    .values({
      actor: entry.actor,
      actorUserPk: entry.actorUserPk ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: entry.details ?? null,
      ip: entry.ip ?? null,
      at: Date.now(),
    })
    .run();
}
