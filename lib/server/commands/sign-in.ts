import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/open';
import { loginThrottle, users } from '@/db/schema';
import { verifyPassword } from '../password-core';
import { findUserByEmail, type UserRow } from '../queries/users';
import { recordAudit } from './audit';

/**
 * Sign-in throttling, per (email, client address) pair and per client address:
 *
 * - a pair gets FREE_FAILURES free failures, then each attempt waits BASE_DELAY_MS, doubling per
 *   failure up to MAX_DELAY_MS: guessing one person's password from one address is slow, and
 *   someone failing from another address does not lock that person out;
 * - an address gets ADDRESS_FREE_FAILURES failures over all emails before the same waits apply,
 *   so one address cannot try a password against many emails;
 * - there is no block per email alone: it would let anyone lock out anyone (an admin, say) by
 *   failing on purpose. When the client address is unknown (no TRUST_PROXY), all attempts for an
 *   email share one pair, so its wait is capped at UNKNOWN_ADDRESS_MAX_DELAY_MS: guessing is
 *   slowed, but nobody can keep the real user out for long.
 *
 * An attempt is counted as a failure before the password is checked (in the same transaction
 * as the check of the waits), and refunded when it succeeds: attempts sent in parallel cannot
 * all pass the check before any failure is written.
 */
const FREE_FAILURES = 3;
const ADDRESS_FREE_FAILURES = 20;
const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 15 * 60_000;
const UNKNOWN_ADDRESS_MAX_DELAY_MS = 60_000;
/** Failures older than this are forgotten (and their rows deleted). */
const FORGET_AFTER_MS = 60 * 60_000;

export const MAX_EMAIL_LENGTH = 254;
export const MAX_PASSWORD_LENGTH = 1024;

export class SignInError extends Error {
  constructor(message: string, readonly retryAfterMs = 0) {
    super(message);
    this.name = 'SignInError';
  }
}

export const WRONG_CREDENTIALS = 'Wrong email or password.';

interface ThrottleKey {
  key: string;
  free: number;
  maxDelayMs: number;
}

function throttleKeys(email: string, address: string | null): ThrottleKey[] {
  if (address === null) return [{ key: `pair:${email}|?`, free: FREE_FAILURES, maxDelayMs: UNKNOWN_ADDRESS_MAX_DELAY_MS }];
  return [
    { key: `pair:${email}|${address}`, free: FREE_FAILURES, maxDelayMs: MAX_DELAY_MS },
    { key: `addr:${address}`, free: ADDRESS_FREE_FAILURES, maxDelayMs: MAX_DELAY_MS },
  ];
}

function blockedUntil(failures: number, k: ThrottleKey, now: number): number {
  const over = failures - k.free;
  return over > 0 ? now + Math.min(k.maxDelayMs, BASE_DELAY_MS * 2 ** Math.min(over - 1, 30)) : 0;
}

/**
 * In one write transaction: forgets old rows, returns the wait if any key is blocked, otherwise
 * counts this attempt as a failure on every key (refunded by `refund` when it succeeds).
 */
function reserveAttempt(db: Db, keys: ThrottleKey[], now: number): number {
  return db.transaction(
    (tx) => {
      tx.delete(loginThrottle).where(and(lt(loginThrottle.lastFailureAt, now - FORGET_AFTER_MS), lt(loginThrottle.blockedUntil, now))).run();
      const rows = tx.select().from(loginThrottle).where(inArray(loginThrottle.key, keys.map((k) => k.key))).all();
      const wait = Math.max(0, ...rows.map((r) => r.blockedUntil - now));
      if (wait > 0) return wait;
      for (const k of keys) {
        const row = rows.find((r) => r.key === k.key);
        const failures = row && now - row.lastFailureAt < FORGET_AFTER_MS ? row.failures + 1 : 1;
        const until = blockedUntil(failures, k, now);
        tx.insert(loginThrottle)
          .values({ key: k.key, failures, lastFailureAt: now, blockedUntil: until })
          .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, lastFailureAt: now, blockedUntil: until } })
          .run();
      }
      return 0;
    },
    { behavior: 'immediate' },
  );
}

/** After a successful sign-in: the pair starts afresh, the address gets its reserved attempt back. */
function refund(tx: Pick<Db, 'select' | 'update' | 'delete'>, keys: ThrottleKey[]): void {
  const [pair, ...others] = keys;
  tx.delete(loginThrottle).where(eq(loginThrottle.key, pair!.key)).run();
  for (const k of others) {
    const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, k.key)).get();
    if (!row) continue;
    const failures = Math.max(0, row.failures - 1);
    tx.update(loginThrottle).set({ failures, blockedUntil: failures > k.free ? row.blockedUntil : 0 }).where(eq(loginThrottle.key, k.key)).run();
  }
}

function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Checks an email and password, throttled per (email, address) and per address (see above).
 * `address` is the client address from `clientAddress` (null when unknown).
 */
export async function authenticate(db: Db, rawEmail: string, password: string, address: string | null): Promise<UserRow> {
  const email = rawEmail.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) throw new SignInError(`The email is too long (at most ${MAX_EMAIL_LENGTH} characters).`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new SignInError(`The password is too long (at most ${MAX_PASSWORD_LENGTH} characters).`);
  const ip = address !== null && address.length <= 64 ? address : null;
  const keys = throttleKeys(email, ip);
  const now = Date.now();
  const wait = reserveAttempt(db, keys, now);
  if (wait > 0) {
    recordAudit(db, { actor: email || 'anonymous', action: 'auth.signin_throttled', targetType: 'user', targetId: email, ip });
    throw new SignInError(`Too many failed sign-in attempts. Try again in ${describeWait(wait)}.`, wait);
  }
  const user = email ? findUserByEmail(db, email) : undefined;
  // Verify even for unknown emails so that timing does not reveal which accounts exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  if (!user || !ok || user.disabledAt) {
    recordAudit(db, { actor: email || 'anonymous', action: 'auth.signin_failed', targetType: 'user', targetId: email, ip, details: { reason: !user ? 'unknown_email' : user.disabledAt ? 'disabled' : 'wrong_password' } });
    throw new SignInError(WRONG_CREDENTIALS);
  }
  db.transaction((tx) => {
    refund(tx, keys);
    tx.update(users).set({ lastLoginAt: now }).where(eq(users.pk, user.pk)).run();
    recordAudit(tx, { actor: email, actorUserPk: user.pk, action: 'auth.signin', targetType: 'user', targetId: email, ip });
  });
  return user;
}

/**
 * Signing out ends every session of the user at once: sessions are stateless tokens, so each
 * carries the user's session version from its sign-in, and a token whose version is no longer
 * the user's is refused (see `getCurrentUser`).
 */
export function endSessions(db: Db, userPk: number, actor: string): void {
  db.transaction((tx) => {
    const res = tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.pk, userPk)).run();
    if (res.changes) recordAudit(tx, { actor, actorUserPk: userPk, action: 'auth.signout', targetType: 'user', targetId: actor });
  });
}

/** Is a session with this version still valid for this user? Tokens from before versions existed carry none (version 0). */
export function sessionCurrent(user: Pick<UserRow, 'sessionVersion'>, tokenVersion: unknown): boolean {
  return (typeof tokenVersion === 'number' ? tokenVersion : 0) === user.sessionVersion;
}

/**
 * Whether an OpenID Connect sign-in may proceed: the provider must vouch for the email
 * (`email_verified: true`), since the email is what links the identity to a Trellis user. An
 * operator whose provider only issues verified company emails but leaves the claim out can set
 * OIDC_TRUST_UNVERIFIED_EMAIL=true. Returns true or the sign-in page to send the person back to.
 */
export function checkOidcSignIn(db: Db, profile: { email?: unknown; email_verified?: unknown } | undefined, trustUnverified = process.env.OIDC_TRUST_UNVERIFIED_EMAIL === 'true'): true | string {
  const email = typeof profile?.email === 'string' ? profile.email.trim().toLowerCase().slice(0, MAX_EMAIL_LENGTH + 1) : '';
  const verified = profile?.email_verified === true || profile?.email_verified === 'true';
  if (!email || email.length > MAX_EMAIL_LENGTH) {
    recordAudit(db, { actor: 'anonymous', action: 'auth.signin_failed', details: { provider: 'oidc', reason: 'no_email' } });
    return '/login?error=NoTrellisUser';
  }
  if (!verified && !trustUnverified) {
    recordAudit(db, { actor: email, action: 'auth.signin_failed', targetType: 'user', targetId: email, details: { provider: 'oidc', reason: 'email_not_verified' } });
    return '/login?error=EmailNotVerified';
  }
  const known = findUserByEmail(db, email);
  if (!known || known.disabledAt) {
    recordAudit(db, { actor: email, action: 'auth.signin_failed', details: { provider: 'oidc', reason: 'no_such_user' } });
    return '/login?error=NoTrellisUser';
  }
  return true;
}
