import { eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/open';
import { loginThrottle, users } from '@/db/schema';
import { verifyPassword } from '../password-core';
import { findUserByEmail, type UserRow } from '../queries/users';
import { recordAudit } from './audit';

/** Failures allowed before each further attempt has to wait; the wait doubles per failure. */
const FREE_FAILURES = 3;
const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 15 * 60_000;
/** Failures older than this are forgotten. */
const FORGET_AFTER_MS = 60 * 60_000;

export class SignInError extends Error {
  constructor(message: string, readonly retryAfterMs = 0) {
    super(message);
    this.name = 'SignInError';
  }
}

export const WRONG_CREDENTIALS = 'Wrong email or password.';

function throttleKeys(email: string, ip: string | null): string[] {
  return [`email:${email}`, ...(ip ? [`ip:${ip}`] : [])];
}

function remainingBlockMs(db: Db, keys: string[], now: number): number {
  const rows = db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
  return Math.max(0, ...rows.map((r) => r.blockedUntil - now));
}

function registerFailure(db: Db, keys: string[], now: number): void {
  db.transaction((tx) => {
    for (const key of keys) {
      const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
      const failures = row && now - row.lastFailureAt < FORGET_AFTER_MS ? row.failures + 1 : 1;
      const over = failures - FREE_FAILURES;
      const blockedUntil = over > 0 ? now + Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (over - 1)) : 0;
      tx.insert(loginThrottle)
        .values({ key, failures, lastFailureAt: now, blockedUntil })
        .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, lastFailureAt: now, blockedUntil } })
        .run();
    }
  });
}

function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Checks an email and password. After a few failures for the same email or client address,
 * further attempts are refused until an exponentially growing wait has passed.
 */
export async function authenticate(db: Db, rawEmail: string, password: string, ip: string | null): Promise<UserRow> {
  const email = rawEmail.trim().toLowerCase();
  const keys = throttleKeys(email, ip);
  const now = Date.now();
  const wait = remainingBlockMs(db, keys, now);
  if (wait > 0) {
    recordAudit(db, { actor: email || 'anonymous', action: 'auth.signin_throttled', targetType: 'user', targetId: email, ip });
    throw new SignInError(`Too many failed sign-in attempts. Try again in ${describeWait(wait)}.`, wait);
  }
  const user = email ? findUserByEmail(db, email) : undefined;
  // Verify even for unknown emails so that timing does not reveal which accounts exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  if (!user || !ok || user.disabledAt) {
    registerFailure(db, keys, now);
    recordAudit(db, { actor: email || 'anonymous', action: 'auth.signin_failed', targetType: 'user', targetId: email, ip, details: { reason: !user ? 'unknown_email' : user.disabledAt ? 'disabled' : 'wrong_password' } });
    throw new SignInError(WRONG_CREDENTIALS);
  }
  db.transaction((tx) => {
    tx.delete(loginThrottle).where(inArray(loginThrottle.key, [`email:${email}`])).run();
    tx.update(users).set({ lastLoginAt: now }).where(eq(users.pk, user.pk)).run();
    recordAudit(tx, { actor: email, actorUserPk: user.pk, action: 'auth.signin', targetType: 'user', targetId: email, ip });
  });
  return user;
}
