/**
 * Band overrides: a CSM who knows better sets an account's band with a reason and an expiry. The
 * computed score stays as it is and visible beside the override; every change is audited.
 */
import type { Db } from '@/db/open';
import { hasRole } from '@/lib/roles';
import { AppError } from '../errors';
import type { CurrentUser } from '../session';
import { recordAudit } from './audit';
import { ensureLiveModel } from './model';

export const MAX_OVERRIDE_DAYS = 180;

function accountFor(db: Db, id: string, user: CurrentUser) {
  const row = db.$client.prepare('SELECT pk, owner_email FROM accounts WHERE id = ?').get(id) as { pk: number; owner_email: string | null } | undefined;
  if (!row) throw new AppError('not_found', `No account with id "${id}"`);
  if (!hasRole(user.role, 'manager') && row.owner_email !== user.email) throw new AppError('forbidden', 'Only the account’s owner, a manager or an admin can override its band');
  return row;
}

export function createOverride(db: Db, input: { accountId: string; band: string; reason: string; expiresAt: number }, user: CurrentUser, now = Date.now()) {
  const account = accountFor(db, input.accountId, user);
  const bands = ensureLiveModel(db).model.bands;
  if (!bands.some((b) => b.key === input.band)) {
    throw new AppError('invalid', 'Unknown band', [{ path: 'band', message: `Pick one of ${bands.map((b) => b.label).join(', ')}` }]);
  }
  if (input.expiresAt <= now) throw new AppError('invalid', 'The expiry is in the past', [{ path: 'expiresAt', message: 'Pick a date after today' }]);
  if (input.expiresAt > now + MAX_OVERRIDE_DAYS * 86_400_000) {
    throw new AppError('invalid', 'The expiry is too far away', [{ path: 'expiresAt', message: `At most ${MAX_OVERRIDE_DAYS} days from today` }]);
  }
  return db.transaction(() => {
    const c = db.$client;
    // One override at a time: a new one replaces the current one.
    c.prepare('UPDATE overrides SET revoked_at = ?, revoked_by_user_pk = ? WHERE account_pk = ? AND revoked_at IS NULL AND expires_at > ?').run(now, user.pk, account.pk, now);
    const computed = c.prepare('SELECT score, band FROM scores WHERE account_pk = ?').get(account.pk) as { score: number | null; band: string | null } | undefined;
    const pk = Number(
      c.prepare('INSERT INTO overrides (account_pk, band, reason, expires_at, created_by_user_pk, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(account.pk, input.band, input.reason, input.expiresAt, user.pk, now).lastInsertRowid,
    );
    recordAudit(db, {
      actor: user.email, actorUserPk: user.pk, action: 'override.created', targetType: 'account', targetId: input.accountId,
      details: { band: input.band, reason: input.reason, expiresAt: new Date(input.expiresAt).toISOString(), computedBand: computed?.band ?? null, computedScore: computed?.score ?? null },
    });
    return { pk };
  });
}

export function revokeOverride(db: Db, accountId: string, user: CurrentUser, now = Date.now()): void {
  const account = accountFor(db, accountId, user);
  db.transaction(() => {
    const res = db.$client.prepare('UPDATE overrides SET revoked_at = ?, revoked_by_user_pk = ? WHERE account_pk = ? AND revoked_at IS NULL AND expires_at > ?').run(now, user.pk, account.pk, now);
    if (res.changes === 0) throw new AppError('not_found', 'This account has no active override');
    recordAudit(db, { actor: user.email, actorUserPk: user.pk, action: 'override.revoked', targetType: 'account', targetId: accountId });
  });
}
