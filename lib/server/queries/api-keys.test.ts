/** The API keys page's list, on both engines. */
import { expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { listApiKeys } from './api-keys';

describeEngines('API keys', (t) => {
  it('lists active keys first, newest first, with who made them and never the hash', async () => {
    const db = t.store;
    const admin = (await db.value<number>("INSERT INTO users (email, role) VALUES ('ann@example.com', 'admin') RETURNING pk"))!;
    const key = (name: string, createdAt: number, revokedAt: number | null, by: number | null) =>
      db.run('INSERT INTO api_keys (name, prefix, key_hash, scope, created_by_user_pk, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [name, `trl_${name}`, `hash-${name}`, 'read', by, createdAt, revokedAt]);
    await key('old', 1000, null, admin);
    await key('revoked', 3000, 4000, null);
    await key('new', 2000, null, null);
    const keys = await listApiKeys(db);
    expect(keys.map((k) => [k.name, k.createdBy, k.revokedAt])).toEqual([
      ['new', null, null],
      ['old', 'ann@example.com', null],
      ['revoked', null, new Date(4000).toISOString()],
    ]);
    expect(JSON.stringify(keys)).not.toContain('hash-');
  });
});
