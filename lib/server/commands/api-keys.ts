import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { recordAudit, type AuditEntry } from './audit';

export const API_KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_PREFIX = 'trl_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

type Actor = Pick<AuditEntry, 'actor' | 'actorUserPk' | 'ip'>;

/** Creates a key and returns it in full: this is the only time it can be seen. */
export async function createApiKey(db: Store, input: { name: string; scope: ApiKeyScope }, actor: Actor) {
  const name = input.name.trim();
  if (!name) throw new AppError('invalid', 'A key needs a name', [{ path: 'name', message: 'Give the key a name, e.g. "Segment" or "CRM sync"' }]);
  if (name.length > 100) throw new AppError('invalid', 'Name too long', [{ path: 'name', message: 'At most 100 characters' }]);
  if (!(API_KEY_SCOPES as readonly string[]).includes(input.scope)) {
    throw new AppError('invalid', 'Unknown scope', [{ path: 'scope', message: `Scope must be one of ${API_KEY_SCOPES.join(', ')}` }]);
  }
  const key = `${KEY_PREFIX}${input.scope}_${randomBytes(24).toString('base64url')}`;
  const prefix = key.slice(0, KEY_PREFIX.length + input.scope.length + 7);
  return db.tx(async (tx) => {
    const pk = (await tx.value<number>(
      'INSERT INTO api_keys (name, scope, prefix, key_hash, created_by_user_pk) VALUES (?, ?, ?, ?, ?) RETURNING pk',
      [name, input.scope, prefix, hashApiKey(key), actor.actorUserPk ?? null],
    ))!;
    await recordAudit(tx, { ...actor, action: 'apikey.created', targetType: 'api_key', targetId: String(pk), details: { name, scope: input.scope, prefix } });
    return { pk, name, scope: input.scope, prefix, key };
  });
}

export async function revokeApiKey(db: Store, pk: number, actor: Actor): Promise<void> {
  await db.tx(async (tx) => {
    // Revoked once: of two revocations at the same time, only one changes the row and is audited.
    const row = await tx.get<{ name: string; scope: ApiKeyScope }>('UPDATE api_keys SET revoked_at = ? WHERE pk = ? AND revoked_at IS NULL RETURNING name, scope', [Date.now(), pk]);
    if (!row) {
      if ((await tx.value('SELECT pk FROM api_keys WHERE pk = ?', [pk])) === undefined) throw new AppError('not_found', `No API key ${pk}`);
      return;
    }
    await recordAudit(tx, { ...actor, action: 'apikey.revoked', targetType: 'api_key', targetId: String(pk), details: { name: row.name, scope: row.scope } });
  });
}

/** Which scopes a key of each scope grants: admin keys can also read and ingest. */
export function scopeAllows(keyScope: ApiKeyScope, needed: ApiKeyScope): boolean {
  return keyScope === needed || keyScope === 'admin';
}

/** Finds an active key by its plaintext and records its use (at most once a minute per key). */
export async function authenticateApiKey(db: Store, key: string) {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const row = await db.get<{ pk: number; name: string; scope: ApiKeyScope; lastUsedAt: number | null }>(
    'SELECT pk, name, scope, last_used_at AS lastUsedAt FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  if (!row) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt > 60_000) {
    await db.run('UPDATE api_keys SET last_used_at = ? WHERE pk = ?', [now, row.pk]);
  }
  return row;
}
