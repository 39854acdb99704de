import type { Store } from '@/lib/server/store';

export interface ApiKeyRow {
  pk: number;
  name: string;
  prefix: string;
  scope: 'ingest' | 'read' | 'admin';
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Every key, active ones first, newest first; never the hash. */
export async function listApiKeys(db: Store): Promise<ApiKeyRow[]> {
  const rows = await db.all<{ pk: number; name: string; prefix: string; scope: ApiKeyRow['scope']; created_at: number; last_used_at: number | null; revoked_at: number | null; created_by: string | null }>(
    `SELECT k.pk, k.name, k.prefix, k.scope, k.created_at, k.last_used_at, k.revoked_at, u.email AS created_by
     FROM api_keys k LEFT JOIN users u ON u.pk = k.created_by_user_pk
     ORDER BY CASE WHEN k.revoked_at IS NULL THEN 0 ELSE 1 END, k.created_at DESC, k.pk DESC`,
  );
  return rows.map((r) => ({
    pk: r.pk,
    name: r.name,
    prefix: r.prefix,
    scope: r.scope,
    createdAt: iso(r.created_at)!,
    createdBy: r.created_by,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  }));
}
