import type { Store } from '@/lib/server/store';
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

interface ThrottleRow {
  key: string;
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** The keys in the order their rows are locked: the same in every transaction, so no two wait on each other in a circle. */
const lockOrder = (keys: ThrottleKey[]) => [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * In one write transaction: forgets old rows, returns the wait if any key is blocked, otherwise
 * counts this attempt as a failure on every key (refunded by `refund` when it succeeds). Each
 * key's row is made to exist and locked before it is read (a key without failures gets a row with
 * none), so that on PostgreSQL, too, attempts running at the same time are counted one after
 * another.
 */
async function reserveAttempt(db: Store, keys: ThrottleKey[], now: number): Promise<number> {
  return db.tx(async (tx) => {
    const ordered = lockOrder(keys);
    const rows = await tx.all<ThrottleRow>(
      `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES ${ordered.map(() => '(?, 0, ?, 0)').join(', ')}
       ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures
       RETURNING key, failures, last_failure_at AS lastFailureAt, blocked_until AS blockedUntil`,
      ordered.flatMap((k) => [k.key, now]),
    );
    // Then old rows are forgotten (this attempt's own rows read above may go too; they are written
    // again below). PostgreSQL: rows other attempts hold are left for later, never waited on.
    const stale = 'last_failure_at < ? AND blocked_until < ?';
    await tx.run(
      tx.engine === 'postgres'
        ? `DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle WHERE ${stale} FOR UPDATE SKIP LOCKED)`
        : `DELETE FROM login_throttle WHERE ${stale}`,
      [now - FORGET_AFTER_MS, now],
    );
    const wait = Math.max(0, ...rows.map((r) => r.blockedUntil - now));
    if (wait > 0) {
      // A refused attempt counts nothing: rows without failures (made above for keys that had none) carry nothing.
      await tx.run(`DELETE FROM login_throttle WHERE failures = 0 AND key IN (${ordered.map(() => '?').join(', ')})`, ordered.map((k) => k.key));
      return wait;
    }
    const values = ordered.flatMap((k) => {
      const row = rows.find((r) => r.key === k.key);
      const failures = row && now - row.lastFailureAt < FORGET_AFTER_MS ? row.failures + 1 : 1;
      return [k.key, failures, now, blockedUntil(failures, k, now)];
    });
    await tx.run(
      `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES ${ordered.map(() => '(?, ?, ?, ?)').join(', ')}
       ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
      values,
    );
    return 0;
  });
}

/** After a successful sign-in: the pair starts afresh, the address gets its reserved attempt back. */
async function refund(tx: Store, keys: ThrottleKey[]): Promise<void> {
  const pair = keys[0]!;
  for (const k of lockOrder(keys)) {
    if (k === pair) {
      await tx.run('DELETE FROM login_throttle WHERE key = ?', [k.key]);
    } else {
      await tx.run(
        `UPDATE login_throttle SET failures = ${tx.dialect.greatest('0', 'failures - 1')}, blocked_until = CASE WHEN failures - 1 > ? THEN blocked_until ELSE 0 END WHERE key = ?`,
        [k.free, k.key],
      );
    }
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
export async function authenticate(db: Store, rawEmail: string, password: string, address: string | null): Promise<UserRow> {
  const email = rawEmail.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) throw new SignInError(`The email is too long (at most ${MAX_EMAIL_LENGTH} characters).`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new SignInError(`The password is too long (at most ${MAX_PASSWORD_LENGTH} characters).`);
  const ip = address !== null && address.length <= 64 ? address : null;
  const keys = throttleKeys(email, ip);
  const now = Date.now();
  const wait = await reserveAttempt(db, keys, now);
  if (wait > 0) {
    await recordAudit(db, { actor: email || 'anonymous', action: 'auth.signin_throttled', targetType: 'user', targetId: email, ip });
    throw new SignInError(`Too many failed sign-in attempts. Try again in ${describeWait(wait)}.`, wait);
  }
  const user = email ? await findUserByEmail(db, email) : undefined;
  // Verify even for unknown emails so that timing does not reveal which accounts exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  if (!user || !ok || user.disabledAt) {
    await recordAudit(db, { actor: email || 'anonymous', action: 'auth.signin_failed', targetType: 'user', targetId: email, ip, details: { reason: !user ? 'unknown_email' : user.disabledAt ? 'disabled' : 'wrong_password' } });
    throw new SignInError(WRONG_CREDENTIALS);
  }
  await db.tx(async (tx) => {
    await refund(tx, keys);
    await tx.run('UPDATE users SET last_login_at = ? WHERE pk = ?', [now, user.pk]);
    await recordAudit(tx, { actor: email, actorUserPk: user.pk, action: 'auth.signin', targetType: 'user', targetId: email, ip });
  });
  return user;
}

/**
 * Signing out ends every session of the user at once: sessions are stateless tokens, so each
 * carries the user's session version from its sign-in, and a token whose version is no longer
 * the user's is refused (see `getCurrentUser`).
 */
export async function endSessions(db: Store, userPk: number, actor: string): Promise<void> {
  await db.tx(async (tx) => {
    const res = await tx.run('UPDATE users SET session_version = session_version + 1 WHERE pk = ?', [userPk]);
    if (res.changes) await recordAudit(tx, { actor, actorUserPk: userPk, action: 'auth.signout', targetType: 'user', targetId: actor });
  });
}

/** Is a session with this version still valid for this user? Tokens from before versions existed carry none (version 0). */
export function sessionCurrent(user: Pick<UserRow, 'sessionVersion'>, tokenVersion: unknown): boolean {
  return (typeof tokenVersion === 'number' ? tokenVersion : 0) === user.sessionVersion;
}

/** Where a refused OpenID Connect sign-in sends the person: the sign-in page, with a message for each reason. */
export const OIDC_REFUSED = {
  noEmail: '/login?error=NoEmail',
  notVerified: '/login?error=EmailNotVerified',
  unknown: '/login?error=NoTrellisUser',
  disabled: '/login?error=UserDisabled',
} as const;

/**
 * Whether an OpenID Connect sign-in may proceed, decided on the claims the provider sent: the
 * email must be a Trellis user's (not disabled), and the provider must vouch for it
 * (`email_verified: true`), since the email is what links the identity to the Trellis user. An
 * operator whose provider only issues verified company emails but leaves the claim out can set
 * OIDC_TRUST_UNVERIFIED_EMAIL=true. Nothing else in the claims counts: the role is the Trellis
 * user's. Audited either way; a successful sign-in is recorded like one with a password. Returns
 * true or the sign-in page to send the person back to.
 */
export async function checkOidcSignIn(db: Store, profile: { email?: unknown; email_verified?: unknown } | undefined, trustUnverified = process.env.OIDC_TRUST_UNVERIFIED_EMAIL === 'true'): Promise<true | string> {
  const email = typeof profile?.email === 'string' ? profile.email.trim().toLowerCase().slice(0, MAX_EMAIL_LENGTH + 1) : '';
  const verified = profile?.email_verified === true || profile?.email_verified === 'true';
  const refuse = async (reason: string, to: string) => {
    await recordAudit(db, { actor: email || 'anonymous', action: 'auth.signin_failed', ...(email ? { targetType: 'user', targetId: email } : {}), details: { provider: 'oidc', reason } });
    return to;
  };
  if (!email || email.length > MAX_EMAIL_LENGTH) return refuse('no_email', OIDC_REFUSED.noEmail);
  if (!verified && !trustUnverified) return refuse('email_not_verified', OIDC_REFUSED.notVerified);
  const user = await findUserByEmail(db, email);
  if (!user) return refuse('no_such_user', OIDC_REFUSED.unknown);
  if (user.disabledAt) return refuse('disabled', OIDC_REFUSED.disabled);
  await db.tx(async (tx) => {
    await tx.run('UPDATE users SET last_login_at = ? WHERE pk = ?', [Date.now(), user.pk]);
    await recordAudit(tx, { actor: email, actorUserPk: user.pk, action: 'auth.signin', targetType: 'user', targetId: email, details: { provider: 'oidc' } });
  });
  return true;
}
