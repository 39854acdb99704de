import type { Store } from '@/lib/server/store';

/**
 * The override in force for an account at an instant (default now), if any: the latest created by
 * then that had neither expired nor been revoked by then.
 */
export async function activeOverride(db: Store, accountPk: number, now = Date.now()) {
  const row = await db.get<{ band: string; reason: string; expires_at: number; created_at: number; created_by: string | null }>(
    `SELECT o.band, o.reason, o.expires_at, o.created_at, u.email AS created_by FROM overrides o LEFT JOIN users u ON u.pk = o.created_by_user_pk
     WHERE o.account_pk = ? AND o.expires_at > ? AND o.created_at <= ? AND (o.revoked_at IS NULL OR o.revoked_at > ?)
     ORDER BY o.created_at DESC, o.pk DESC LIMIT 1`,
    [accountPk, now, now, now],
  );
  return row
    ? { band: row.band, reason: row.reason, expiresAt: new Date(row.expires_at).toISOString(), createdAt: new Date(row.created_at).toISOString(), createdBy: row.created_by }
    : null;
}
