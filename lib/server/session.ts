import 'server-only';
import { getServerSession } from 'next-auth';
import { forbidden, redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { authOptions } from '@/lib/auth';
import { hasRole, type Role } from '@/lib/roles';
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
 * the session was issued takes effect on the next request, not when the session expires.
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  const pk = session?.user?.id;
  if (!pk) return null;
  const row = findUserByPk(getDb(), pk);
  if (!row || row.disabledAt) return null;
  return { pk: row.pk, email: row.email, name: row.name, role: row.role };
}

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
