/**
 * Adding a user on the Users page: a password is required unless single sign-on is configured,
 * when an empty one makes a user who can only sign in through the identity provider. The session is
 * faked; the database is real, on each engine.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { authenticate, SignInError } from '@/lib/server/commands/sign-in';
import { findUserByEmail } from '@/lib/server/queries/users';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | { pk: number; email: string; name: string | null; role: 'admin' } }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const { createUserAction } = await import('./actions');

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

describeEngines('adding a user', (t) => {
  beforeEach(async () => {
    state.store = t.store;
    const pk = (await t.store.value<number>("INSERT INTO users (email, name, role) VALUES ('admin@example.com', 'Ada', 'admin') RETURNING pk"))!;
    state.user = { pk, email: 'admin@example.com', name: 'Ada', role: 'admin' };
  });
  afterEach(() => vi.unstubAllEnvs());

  const ssoOn = () => {
    vi.stubEnv('OIDC_ISSUER', 'https://login.example.com');
    vi.stubEnv('OIDC_CLIENT_ID', 'trellis');
    vi.stubEnv('OIDC_CLIENT_SECRET', 'secret');
  };

  it('needs a password without single sign-on', async () => {
    vi.stubEnv('OIDC_ISSUER', '');
    const answer = await createUserAction(null, form({ email: 'sam@example.com', role: 'csm', password: '' }));
    expect(answer).toMatchObject({ ok: false, fieldErrors: { password: ['At least 8 characters'] } });
    expect(await findUserByEmail(t.store, 'sam@example.com')).toBeUndefined();
  });

  it('with single sign-on, makes a user without a password, who cannot sign in with one', async () => {
    ssoOn();
    expect(await createUserAction(null, form({ email: 'Sam@Example.com', role: 'csm', password: '' }))).toMatchObject({ ok: true });
    const user = (await findUserByEmail(t.store, 'sam@example.com'))!;
    expect(user).toMatchObject({ role: 'csm', passwordHash: null });
    await expect(authenticate(t.store, 'sam@example.com', '', '203.0.113.7')).rejects.toBeInstanceOf(SignInError);
    expect(await t.store.value<number>("SELECT count(*) FROM audit_log WHERE action = 'user.created'")).toBe(1);
  });

  it('with single sign-on, still checks a password that is given', async () => {
    ssoOn();
    expect(await createUserAction(null, form({ email: 'sam@example.com', role: 'csm', password: 'short' }))).toMatchObject({ ok: false, fieldErrors: { password: ['At least 8 characters'] } });
    expect(await createUserAction(null, form({ email: 'sam@example.com', role: 'csm', password: 'long enough' }))).toMatchObject({ ok: true });
    expect((await findUserByEmail(t.store, 'sam@example.com'))!.passwordHash).toMatch(/^scrypt\$/);
  });
});
