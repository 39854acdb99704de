/** Reading users, on both engines: the same row shape as the schema's. */
import { expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { findUserByEmail, findUserByPk, listUsers } from './users';

describeEngines('users', (t) => {
  it('finds a user by email (trimmed, any case) or pk, and lists them by email', async () => {
    const db = t.store;
    await db.run("INSERT INTO users (email, role, name, password_hash, created_at, updated_at) VALUES ('zed@example.com', 'csm', 'Zed', 'scrypt$x', 1000, 2000)");
    await db.run("INSERT INTO users (email, role, disabled_at, last_login_at, created_at, updated_at) VALUES ('amy@example.com', 'admin', 5000, 4000, 3000, 3000)");
    const zed = (await findUserByEmail(db, '  Zed@Example.COM '))!;
    expect(zed).toEqual({
      pk: zed.pk, email: 'zed@example.com', name: 'Zed', role: 'csm', passwordHash: 'scrypt$x', createdAt: 1000, updatedAt: 2000,
      lastLoginAt: null, disabledAt: null, sessionVersion: 0,
    });
    expect(await findUserByPk(db, zed.pk)).toEqual(zed);
    expect(await findUserByEmail(db, 'nobody@example.com')).toBeUndefined();
    expect(await listUsers(db)).toEqual([
      { pk: zed.pk + 1, email: 'amy@example.com', name: null, role: 'admin', lastLoginAt: 4000, disabledAt: 5000, createdAt: 3000 },
      { pk: zed.pk, email: 'zed@example.com', name: 'Zed', role: 'csm', lastLoginAt: null, disabledAt: null, createdAt: 1000 },
    ]);
  });
});
