import type { Store } from '@/lib/server/store';
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

interface UserState {
  pk: number;
  email: string;
  name: string | null;
  role: Role;
  disabledAt: number | null;
}

/** The user's row, locked until the transaction ends on PostgreSQL (SQLite's transaction holds the write lock already). */
function selectUser(db: Store, where: string): string {
  return `SELECT pk, email, name, role, disabled_at AS disabledAt FROM users WHERE ${where}${db.engine === 'postgres' ? ' FOR UPDATE' : ''}`;
}

/** Creates a user, or updates the role and password of an existing one (by email). */
export async function upsertUser(db: Store, input: CreateUserInput, actor: Pick<AuditEntry, 'actor' | 'actorUserPk'>) {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new AppError('invalid', 'Invalid email address', [{ path: 'email', message: 'Enter an email address like name@example.com' }]);
  if (input.password !== null) {
    const problem = passwordProblem(input.password);
    if (problem) throw new AppError('invalid', problem, [{ path: 'password', message: problem }]);
  }
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  return db.tx(async (tx) => {
    // Inserting first: of two calls for a new email at the same time, one creates the user and the other updates it.
    const pk = await tx.value<number>(
      'INSERT INTO users (email, role, password_hash, name) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING pk',
      [email, input.role, passwordHash, input.name ?? null],
    );
    if (pk !== undefined) {
      await recordAudit(tx, { ...actor, action: 'user.created', targetType: 'user', targetId: email, details: { role: input.role } });
      return { pk, email, created: true };
    }
    const existing = (await tx.get<UserState>(selectUser(tx, 'email = ?'), [email]))!;
    await tx.run(
      `UPDATE users SET role = ?, name = ?, ${passwordHash ? 'password_hash = ?, ' : ''}updated_at = ? WHERE pk = ?`,
      [input.role, input.name ?? existing.name, ...(passwordHash ? [passwordHash] : []), Date.now(), existing.pk],
    );
    if (existing.role !== input.role) {
      await recordAudit(tx, { ...actor, action: 'user.role_changed', targetType: 'user', targetId: email, details: { from: existing.role, to: input.role } });
    }
    if (passwordHash) await recordAudit(tx, { ...actor, action: 'user.password_set', targetType: 'user', targetId: email });
    return { pk: existing.pk, email, created: false };
  });
}

/** Changes a user's role or disables/enables them; an admin cannot lock themselves out. */
export async function updateUser(db: Store, input: { pk: number; role?: Role; disabled?: boolean }, actor: { email: string; pk: number }): Promise<void> {
  await db.tx(async (tx) => {
    const user = await tx.get<UserState>(selectUser(tx, 'pk = ?'), [input.pk]);
    if (!user) throw new AppError('not_found', 'No such user');
    if (user.pk === actor.pk && ((input.role && input.role !== 'admin') || input.disabled)) {
      throw new AppError('invalid', 'You cannot remove your own admin access', [{ path: 'role', message: 'Ask another admin to do this' }]);
    }
    const now = Date.now();
    if (input.role && input.role !== user.role) {
      await tx.run('UPDATE users SET role = ?, updated_at = ? WHERE pk = ?', [input.role, now, user.pk]);
      await recordAudit(tx, { actor: actor.email, actorUserPk: actor.pk, action: 'user.role_changed', targetType: 'user', targetId: user.email, details: { from: user.role, to: input.role } });
    }
    if (input.disabled !== undefined && input.disabled !== !!user.disabledAt) {
      await tx.run('UPDATE users SET disabled_at = ?, updated_at = ? WHERE pk = ?', [input.disabled ? now : null, now, user.pk]);
      await recordAudit(tx, { actor: actor.email, actorUserPk: actor.pk, action: input.disabled ? 'user.disabled' : 'user.enabled', targetType: 'user', targetId: user.email });
    }
  });
}
