import type { users } from '@/db/schema';
import type { Store } from '@/lib/server/store';

export type UserRow = typeof users.$inferSelect;

const USER_COLUMNS = `pk, email, name, role, password_hash AS passwordHash, created_at AS createdAt, updated_at AS updatedAt,
  last_login_at AS lastLoginAt, disabled_at AS disabledAt, session_version AS sessionVersion`;

export async function findUserByEmail(db: Store, email: string): Promise<UserRow | undefined> {
  return db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`, [email.trim().toLowerCase()]);
}

export async function findUserByPk(db: Store, pk: number): Promise<UserRow | undefined> {
  return db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE pk = ?`, [pk]);
}

export async function listUsers(db: Store) {
  return db.all<Pick<UserRow, 'pk' | 'email' | 'name' | 'role' | 'lastLoginAt' | 'disabledAt' | 'createdAt'>>(
    'SELECT pk, email, name, role, last_login_at AS lastLoginAt, disabled_at AS disabledAt, created_at AS createdAt FROM users ORDER BY email, pk',
  );
}
