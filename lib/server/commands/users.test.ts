import { expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { findUserByEmail } from '../queries/users';
import { authenticate, SignInError, WRONG_CREDENTIALS } from './sign-in';
import { updateUser, upsertUser } from './users';

describeEngines('users', (t) => {
  const audit = (action: string) => t.store.all<{ actor: string; target_id: string; details: string | null }>('SELECT actor, target_id, details FROM audit_log WHERE action = ? ORDER BY pk', [action]);

  it('hashes passwords (never stored in clear) and signs in with the right one only', async () => {
    const db = t.store;
    await upsertUser(db, { email: 'Ana@Example.com', role: 'csm', password: 'correct horse' }, { actor: 'cli' });
    const row = (await findUserByEmail(db, 'ana@example.com'))!;
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain('correct horse');
    await expect(authenticate(db, 'ana@example.com', 'correct horse', null)).resolves.toMatchObject({ email: 'ana@example.com' });
    await expect(authenticate(db, 'ana@example.com', 'wrong', null)).rejects.toThrowError(WRONG_CREDENTIALS);
    await expect(authenticate(db, 'nobody@example.com', 'wrong', null)).rejects.toThrowError(WRONG_CREDENTIALS);
    expect(await audit('auth.signin_failed')).toHaveLength(2);
  });

  it('slows down repeated failures: after three, further attempts from that address wait, even with the right password', async () => {
    const db = t.store;
    await upsertUser(db, { email: 'bo@example.com', role: 'csm', password: 'right password' }, { actor: 'cli' });
    for (let i = 0; i < 3; i++) await expect(authenticate(db, 'bo@example.com', 'nope', '10.0.0.1')).rejects.toThrowError(WRONG_CREDENTIALS);
    await expect(authenticate(db, 'bo@example.com', 'nope', '10.0.0.1')).rejects.toThrowError(WRONG_CREDENTIALS);
    const blocked = authenticate(db, 'bo@example.com', 'right password', '10.0.0.1');
    await expect(blocked).rejects.toThrowError(SignInError);
    await expect(authenticate(db, 'bo@example.com', 'right password', '10.0.0.1')).rejects.toThrowError(/Too many failed sign-in attempts/);
  });

  it('audits role changes and refuses an admin removing their own access', async () => {
    const db = t.store;
    const admin = await upsertUser(db, { email: 'admin@example.com', role: 'admin', password: 'admin password' }, { actor: 'cli' });
    const csm = await upsertUser(db, { email: 'cy@example.com', role: 'csm', password: 'csm password' }, { actor: 'cli' });
    const actor = { email: 'admin@example.com', pk: admin.pk };
    await updateUser(db, { pk: csm.pk, role: 'manager' }, actor);
    expect((await findUserByEmail(db, 'cy@example.com'))!.role).toBe('manager');
    expect(await audit('user.role_changed')).toEqual([{ actor: 'admin@example.com', target_id: 'cy@example.com', details: JSON.stringify({ from: 'csm', to: 'manager' }) }]);
    await expect(updateUser(db, { pk: admin.pk, role: 'csm' }, actor)).rejects.toThrowError(/own admin access/);
    await expect(updateUser(db, { pk: admin.pk, disabled: true }, actor)).rejects.toThrowError(/own admin access/);
    await updateUser(db, { pk: csm.pk, disabled: true }, actor);
    await expect(authenticate(db, 'cy@example.com', 'csm password', null)).rejects.toThrowError(WRONG_CREDENTIALS);
  });

  it('creates a user once when two calls for a new email run at the same time', async () => {
    const results = await Promise.all(['csm', 'manager'].map((role) => upsertUser(t.store, { email: 'dee@example.com', role: role as 'csm' | 'manager', password: null }, { actor: 'cli' })));
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(results[0]!.pk).toBe(results[1]!.pk);
    expect(await t.store.value('SELECT count(*) FROM users WHERE email = ?', ['dee@example.com'])).toBe(1);
    expect(await audit('user.created')).toHaveLength(1);
  });
});
