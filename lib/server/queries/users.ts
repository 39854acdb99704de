import { asc, eq } from 'drizzle-orm';
import type { Db } from '@/db/open';
import { users } from '@/db/schema';

export type UserRow = typeof users.$inferSelect;

export function findUserByEmail(db: Db, email: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
}

export function findUserByPk(db: Db, pk: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.pk, pk)).get();
}

export function listUsers(db: Db) {
  return db
    .select({ pk: users.pk, email: users.email, name: users.name, role: users.role, lastLoginAt: users.lastLoginAt, disabledAt: users.disabledAt, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.email))
    .all();
}
