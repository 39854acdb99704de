import 'server-only';
import { getToken } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getStore } from '@/db/client';
import { cachedDecode } from '@/lib/session-token';
import { hasRole, type Role } from '@/lib/roles';
import { sessionCurrent } from './commands/sign-in';
import { AppError } from './errors';
import { findUserByPk } from './queries/users';

export interface CurrentUser {
  pk: number;
  email: string;
  name: string | null;
  role: Role;
}

/**
 * The signed-in user as the database knows them now: a role changed or a user disabled since
 * the session was issued takes effect on the next request, not when the session expires, and a
 * session ended by signing out (its version is no longer the user's) is refused at once.
 * Only the session cookie's user id is read (the role always comes from the database), so the
 * token is decoded without next-auth's full session handler, which would also re-encrypt a
 * refreshed token that pages and route handlers cannot send back. Once per render (`cache`): the
 * layout and the page both ask.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const jar = await cookies();
  const token = await getToken({ req: { cookies: Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])), headers: {} } as never, decode: cachedDecode });
  const pk = token?.uid;
  if (typeof pk !== 'number') return null;
  const row = await findUserByPk(await getStore(), pk);
  if (!row || row.disabledAt || !sessionCurrent(row, token?.sv)) return null;
  return { pk: row.pk, email: row.email, name: row.name, role: row.role };
});

/** For pages and layouts: anonymous visitors go to sign-in, users without the role get a 403. */
export async function requirePageRole(minRole: Role, callbackPath?: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(callbackPath ? `/login?callbackUrl=${encodeURIComponent(callbackPath)}` : '/login');
  if (!hasRole(user.role, minRole)) forbidden();
  return user;
}

/** For route handlers the UI calls: a JSON 401/403 instead of a redirect. */
export async function requireApiRole(minRole: Role): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError('unauthorized', 'Sign in first');
  if (!hasRole(user.role, minRole)) throw new AppError('forbidden', 'Your role does not allow this');
  return user;
}
