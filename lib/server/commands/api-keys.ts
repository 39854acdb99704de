import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/open';
import { apiKeys } from '@/db/schema';
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
export function createApiKey(db: Db, input: { name: string; scope: ApiKeyScope }, actor: Actor) {
  const name = input.name.trim();
  if (!name) throw new AppError('invalid', 'A key needs a name', [{ path: 'name', message: 'Give the key a name, e.g. "Segment" or "CRM sync"' }]);
  if (name.length > 100) throw new AppError('invalid', 'Name too long', [{ path: 'name', message: 'At most 100 characters' }]);
  if (!(API_KEY_SCOPES as readonly string[]).includes(input.scope)) {
    throw new AppError('invalid', 'Unknown scope', [{ path: 'scope', message: `Scope must be one of ${API_KEY_SCOPES.join(', ')}` }]);
  }
  const key = `${KEY_PREFIX}${input.scope}_${randomBytes(24).toString('base64url')}`;
  const prefix = key.slice(0, KEY_PREFIX.length + input.scope.length + 7);
  return db.transaction((tx) => {
    const row = tx
      .insert(apiKeys)
      .values({ name, scope: input.scope, prefix, keyHash: hashApiKey(key), createdByUserPk: actor.actorUserPk ?? null })
      .returning({ pk: apiKeys.pk })
      .get();
    recordAudit(tx, { ...actor, action: 'apikey.created', targetType: 'api_key', targetId: String(row.pk), details: { name, scope: input.scope, prefix } });
    return { pk: row.pk, name, scope: input.scope, prefix, key };
  });
}

export function revokeApiKey(db: Db, pk: number, actor: Actor): void {
  db.transaction((tx) => {
    const row = tx.select().from(apiKeys).where(eq(apiKeys.pk, pk)).get();
    if (!row) throw new AppError('not_found', `No API key ${pk}`);
    if (row.revokedAt) return;
    tx.update(apiKeys).set({ revokedAt: Date.now() }).where(eq(apiKeys.pk, pk)).run();
    recordAudit(tx, { ...actor, action: 'apikey.revoked', targetType: 'api_key', targetId: String(pk), details: { name: row.name, scope: row.scope } });
  });
}

/** Which scopes a key of each scope grants: admin keys can also read and ingest. */
export function scopeAllows(keyScope: ApiKeyScope, needed: ApiKeyScope): boolean {
  return keyScope === needed || keyScope === 'admin';
}

/** Finds an active key by its plaintext and records its use (at most once a minute per key). */
export function authenticateApiKey(db: Db, key: string) {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const row = db
    .select({ pk: apiKeys.pk, name: apiKeys.name, scope: apiKeys.scope, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .get();
  if (!row) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt > 60_000) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.pk, row.pk)).run();
  }
  return row;
}
