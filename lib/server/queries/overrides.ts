import type { Db } from '@/db/open';

/**
 * The override in force for an account at an instant (default now), if any: the latest created by
 * then that had neither expired nor been revoked by then.
 */
export function activeOverride(db: Db, accountPk: number, now = Date.now()) {
  const row = db.$client
    .prepare(
      `SELECT o.band, o.reason, o.expires_at, o.created_at, u.email AS created_by FROM overrides o LEFT JOIN users u ON u.pk = o.created_by_user_pk
       WHERE o.account_pk = ? AND o.expires_at > ? AND o.created_at <= ? AND (o.revoked_at IS NULL OR o.revoked_at > ?)
       ORDER BY o.created_at DESC LIMIT 1`,
    )
    .get(accountPk, now, now, now) as { band: string; reason: string; expires_at: number; created_at: number; created_by: string | null } | undefined;
  return row
    ? { band: row.band, reason: row.reason, expiresAt: new Date(row.expires_at).toISOString(), createdAt: new Date(row.created_at).toISOString(), createdBy: row.created_by }
    : null;
}
