/** Sign-in throttling against a real database, on each engine. */
import { beforeEach, describe, expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { findUserByEmail } from '../queries/users';
import { authenticate, checkOidcSignIn, endSessions, sessionCurrent, SignInError, WRONG_CREDENTIALS } from './sign-in';
import { upsertUser } from './users';

describeEngines('sign-in', (t) => {
  beforeEach(async () => {
    await upsertUser(t.store, { email: 'admin@example.com', role: 'admin', password: 'the right password' }, { actor: 'cli' });
  });

  const audits = async (action: string) => (await t.store.value<number>('SELECT count(*) FROM audit_log WHERE action = ?', [action]))!;
  const attempt = (email: string, password: string, address: string | null) =>
    authenticate(t.store, email, password, address).then(
      () => 'signed in',
      (e: unknown) => (e instanceof SignInError ? e : Promise.reject(e)),
    );

  describe('sign-in throttling', () => {
    it('lets no more parallel attempts through than one after another would', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => attempt('admin@example.com', 'guess', '203.0.113.7')));
      const checked = results.filter((r) => r instanceof SignInError && r.message === WRONG_CREDENTIALS).length;
      // Three free failures, then the fourth attempt is let through and blocks the rest.
      expect(checked).toBe(4);
      expect(await audits('auth.signin_failed')).toBe(4);
      expect(await audits('auth.signin_throttled')).toBe(16);
    });

    it('does not let failures from one address lock the user out at another', async () => {
      for (let i = 0; i < 10; i++) await attempt('admin@example.com', `guess ${i}`, '203.0.113.7');
      expect(await attempt('admin@example.com', 'the right password', '203.0.113.7')).toBeInstanceOf(SignInError);
      expect(await attempt('admin@example.com', 'the right password', '198.51.100.2')).toBe('signed in');
    });

    it('limits one address across many emails', async () => {
      // Twenty free failures; the twenty-first is checked and starts the wait.
      for (let i = 0; i < 21; i++) expect(await attempt(`user${i}@example.com`, 'guess', '203.0.113.7')).toMatchObject({ message: WRONG_CREDENTIALS });
      const next = await attempt('admin@example.com', 'guess', '203.0.113.7');
      expect((next as SignInError).message).toMatch(/Too many failed sign-in attempts/);
      // Other addresses are not affected.
      expect(await attempt('admin@example.com', 'the right password', '198.51.100.2')).toBe('signed in');
    });

    it('a successful sign-in gives the address its attempt back and clears the pair', async () => {
      for (let i = 0; i < 3; i++) await attempt('admin@example.com', 'guess', '203.0.113.7');
      expect(await attempt('admin@example.com', 'the right password', '203.0.113.7')).toBe('signed in');
      const rows = await t.store.all('SELECT key, failures FROM login_throttle ORDER BY key');
      expect(rows).toEqual([{ key: 'addr:203.0.113.7', failures: 3 }]);
    });

    it('without a known address, waits are capped at a minute so nobody can keep a user out for long', async () => {
      let last: unknown;
      for (let i = 0; i < 12; i++) {
        last = await attempt('admin@example.com', 'guess', null);
        await t.store.run('UPDATE login_throttle SET blocked_until = 0');
      }
      last = await attempt('admin@example.com', 'guess', null);
      expect(last).toBeInstanceOf(SignInError);
      const blocked = await t.store.get<{ wait: number }>('SELECT blocked_until - last_failure_at AS wait FROM login_throttle');
      expect(blocked!.wait).toBe(60_000);
    });

    it('refuses overlong emails and passwords with a clear message and writes nothing', async () => {
      expect((await attempt(`${'a'.repeat(250)}@example.com`, 'x', '203.0.113.7')) as SignInError).toMatchObject({ message: 'The email is too long (at most 254 characters).' });
      expect((await attempt('admin@example.com', 'x'.repeat(5000), '203.0.113.7')) as SignInError).toMatchObject({ message: 'The password is too long (at most 1024 characters).' });
      expect(await t.store.get('SELECT count(*) AS n FROM login_throttle')).toEqual({ n: 0 });
    });

    it('ignores an address that is too long to be one', async () => {
      await attempt('admin@example.com', 'guess', 'x'.repeat(500));
      expect(await t.store.all('SELECT key FROM login_throttle')).toEqual([{ key: 'pair:admin@example.com|?' }]);
    });

    it('forgets failures older than an hour (their rows are deleted)', async () => {
      const old = Date.now() - 2 * 60 * 60_000;
      await t.store.runMany(
        'INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, 9, ?, ?)',
        Array.from({ length: 50 }, (_, i) => [`pair:old${i}@example.com|203.0.113.${i}`, old, old + 60_000]),
      );
      await attempt('admin@example.com', 'the right password', '198.51.100.2');
      expect(await t.store.get('SELECT count(*) AS n FROM login_throttle')).toEqual({ n: 1 });
    });
  });

  describe('OpenID Connect sign-in', () => {
    it('refuses an email the provider has not verified, or says nothing about', async () => {
      expect(await checkOidcSignIn(t.store, { email: 'admin@example.com', email_verified: false })).toBe('/login?error=EmailNotVerified');
      expect(await checkOidcSignIn(t.store, { email: 'admin@example.com' })).toBe('/login?error=EmailNotVerified');
      expect(await checkOidcSignIn(t.store, { email: 'admin@example.com', email_verified: 'false' })).toBe('/login?error=EmailNotVerified');
      expect(await audits('auth.signin_failed')).toBe(3);
      expect(await audits('auth.signin')).toBe(0);
    });

    it('accepts a verified email of a Trellis user, and only that', async () => {
      expect(await checkOidcSignIn(t.store, { email: 'Admin@Example.com', email_verified: true })).toBe(true);
      expect(await checkOidcSignIn(t.store, { email: 'admin@example.com', email_verified: 'true' })).toBe(true);
      expect(await checkOidcSignIn(t.store, { email: 'stranger@example.com', email_verified: true })).toBe('/login?error=NoTrellisUser');
      expect(await checkOidcSignIn(t.store, { email_verified: true })).toBe('/login?error=NoEmail');
      expect(await checkOidcSignIn(t.store, { email: 42, email_verified: true })).toBe('/login?error=NoEmail');
      expect(await checkOidcSignIn(t.store, { email: `${'a'.repeat(250)}@example.com`, email_verified: true })).toBe('/login?error=NoEmail');
    });

    it('records a sign-in like one with a password: the audit log and the last sign-in', async () => {
      expect((await findUserByEmail(t.store, 'admin@example.com'))!.lastLoginAt).toBeNull();
      expect(await checkOidcSignIn(t.store, { email: 'admin@example.com', email_verified: true })).toBe(true);
      expect((await findUserByEmail(t.store, 'admin@example.com'))!.lastLoginAt).toEqual(expect.any(Number));
      const entry = await t.store.get<{ actor: string; actorUserPk: number | null; targetId: string; details: string }>(
        "SELECT actor, actor_user_pk AS actorUserPk, target_id AS targetId, details FROM audit_log WHERE action = 'auth.signin'",
      );
      expect(entry).toMatchObject({ actor: 'admin@example.com', actorUserPk: expect.any(Number), targetId: 'admin@example.com' });
      expect(JSON.parse(entry!.details)).toEqual({ provider: 'oidc' });
    });

    it('refuses a disabled user, with its own reason', async () => {
      await t.store.run('UPDATE users SET disabled_at = ? WHERE email = ?', [Date.now(), 'admin@example.com']);
      expect(await checkOidcSignIn(t.store, { email: 'admin@example.com', email_verified: true })).toBe('/login?error=UserDisabled');
      const details = await t.store.column<string>("SELECT details FROM audit_log WHERE action = 'auth.signin_failed'");
      expect(details.map((d) => JSON.parse(d))).toEqual([{ provider: 'oidc', reason: 'disabled' }]);
      expect(await audits('auth.signin')).toBe(0);
    });

    it('trusts unverified emails only when the operator says so', async () => {
      expect(await checkOidcSignIn(t.store, { email: 'admin@example.com' }, true)).toBe(true);
      expect(await checkOidcSignIn(t.store, { email: 'stranger@example.com' }, true)).toBe('/login?error=NoTrellisUser');
    });
  });

  describe('sign-out', () => {
    it('ends every session of the user: their version no longer matches', async () => {
      const before = (await findUserByEmail(t.store, 'admin@example.com'))!;
      expect(sessionCurrent(before, before.sessionVersion)).toBe(true);
      expect(sessionCurrent(before, undefined)).toBe(true);
      await endSessions(t.store, before.pk, before.email);
      const after = (await findUserByEmail(t.store, 'admin@example.com'))!;
      expect(sessionCurrent(after, before.sessionVersion)).toBe(false);
      expect(sessionCurrent(after, undefined)).toBe(false);
      expect(await audits('auth.signout')).toBe(1);
    });
  });
});
