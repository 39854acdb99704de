import { eq } from 'drizzle-orm';
import type { Db } from '@/db/open';
import { users } from '@/db/schema';
import type { Role } from '@/lib/roles';
import { AppError } from '../errors';
import { hashPassword, passwordProblem } from '../password-core';
import { recordAudit, type AuditEntry } from './audit';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface CreateUserInput {
  email: string;
  role: Role;
  password: string | null;
  name?: string | null;
}

/** Creates a user, or updates the role and password of an existing one (by email). */
export async function upsertUser(db: Db, input: CreateUserInput, actor: Pick<AuditEntry, 'actor' | 'actorUserPk'>) {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new AppError('invalid', 'Invalid email address', [{ path: 'email', message: 'Enter an email address like name@example.com' }]);
  if (input.password !== null) {
    const problem = passwordProblem(input.password);
    if (problem) throw new AppError('invalid', problem, [{ path: 'password', message: problem }]);
  }
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  return db.transaction((tx) => {
    const existing = tx.select().from(users).where(eq(users.email, email)).get();
    if (existing) {
      tx.update(users)
        .set({ role: input.role, name: input.name ?? existing.name, ...(passwordHash ? { passwordHash } : {}), updatedAt: Date.now() })
        .where(eq(users.pk, existing.pk))
        .run();
      if (existing.role !== input.role) {
        recordAudit(tx, { ...actor, action: 'user.role_changed', targetType: 'user', targetId: email, details: { from: existing.role, to: input.role } });
      }
      if (passwordHash) recordAudit(tx, { ...actor, action: 'user.password_set', targetType: 'user', targetId: email });
      return { pk: existing.pk, email, created: false };
    }
    const row = tx.insert(users).values({ email, role: input.role, passwordHash, name: input.name ?? null }).returning({ pk: users.pk }).get();
    recordAudit(tx, { ...actor, action: 'user.created', targetType: 'user', targetId: email, details: { role: input.role } });
    return { pk: row.pk, email, created: true };
  });
}

/** Changes a user's role or disables/enables them; an admin cannot lock themselves out. */
export function updateUser(db: Db, input: { pk: number; role?: Role; disabled?: boolean }, actor: { email: string; pk: number }) {
  return db.transaction((tx) => {
    const user = tx.select().from(users).where(eq(users.pk, input.pk)).get();
    if (!user) throw new AppError('not_found', 'No such user');
    if (user.pk === actor.pk && ((input.role && input.role !== 'admin') || input.disabled)) {
      throw new AppError('invalid', 'You cannot remove your own admin access', [{ path: 'role', message: 'Ask another admin to do this' }]);
    }
    const now = Date.now();
    if (input.role && input.role !== user.role) {
      tx.update(users).set({ role: input.role, updatedAt: now }).where(eq(users.pk, user.pk)).run();
      recordAudit(tx, { actor: actor.email, actorUserPk: actor.pk, action: 'user.role_changed', targetType: 'user', targetId: user.email, details: { from: user.role, to: input.role } });
    }
    if (input.disabled !== undefined && input.disabled !== !!user.disabledAt) {
      tx.update(users).set({ disabledAt: input.disabled ? now : null, updatedAt: now }).where(eq(users.pk, user.pk)).run();
      recordAudit(tx, { actor: actor.email, actorUserPk: actor.pk, action: input.disabled ? 'user.disabled' : 'user.enabled', targetType: 'user', targetId: user.email });
    }
  });
}
