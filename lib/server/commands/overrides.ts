/**
 * Band overrides: a CSM who knows better sets an account's band with a reason and an expiry. The
 * computed score stays as it is and visible beside the override; every change is audited.
 */
import type { Store } from '@/lib/server/store';
import { hasRole } from '@/lib/roles';
import { AppError } from '../errors';
import type { CurrentUser } from '../session';
import { recordAudit } from './audit';
import { ensureLiveModel } from './model';

export const MAX_OVERRIDE_DAYS = 180;

async function accountFor(db: Store, id: string, user: CurrentUser) {
  const row = await db.get<{ pk: number; owner_email: string | null }>('SELECT pk, owner_email FROM accounts WHERE id = ?', [id]);
  if (!row) throw new AppError('not_found', `No account with id "${id}"`);
  if (!hasRole(user.role, 'manager') && row.owner_email !== user.email) throw new AppError('forbidden', 'Only the account’s owner, a manager or an admin can override its band');
  return row;
}

export async function createOverride(db: Store, input: { accountId: string; band: string; reason: string; expiresAt: number }, user: CurrentUser, now = Date.now()) {
  const account = await accountFor(db, input.accountId, user);
  const bands = (await ensureLiveModel(db)).model.bands;
  if (!bands.some((b) => b.key === input.band)) {
    throw new AppError('invalid', 'Unknown band', [{ path: 'band', message: `Pick one of ${bands.map((b) => b.label).join(', ')}` }]);
  }
  if (input.expiresAt <= now) throw new AppError('invalid', 'The expiry is in the past', [{ path: 'expiresAt', message: 'Pick a date after today' }]);
  if (input.expiresAt > now + MAX_OVERRIDE_DAYS * 86_400_000) {
    throw new AppError('invalid', 'The expiry is too far away', [{ path: 'expiresAt', message: `At most ${MAX_OVERRIDE_DAYS} days from today` }]);
  }
  return db.tx(async (tx) => {
    // One override at a time: a new one replaces the current one. On PostgreSQL the account's row
    // is locked first, so that of two overrides made at once only the later stays active (NO KEY:
    // rows that refer to the account can still be written meanwhile).
    if (tx.engine === 'postgres') await tx.run('SELECT pk FROM accounts WHERE pk = ? FOR NO KEY UPDATE', [account.pk]);
    await tx.run('UPDATE overrides SET revoked_at = ?, revoked_by_user_pk = ? WHERE account_pk = ? AND revoked_at IS NULL AND expires_at > ?', [now, user.pk, account.pk, now]);
    const computed = await tx.get<{ score: number | null; band: string | null }>('SELECT score, band FROM scores WHERE account_pk = ?', [account.pk]);
    const pk = (await tx.value<number>(
      'INSERT INTO overrides (account_pk, band, reason, expires_at, created_by_user_pk, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING pk',
      [account.pk, input.band, input.reason, input.expiresAt, user.pk, now],
    ))!;
    await recordAudit(tx, {
      actor: user.email, actorUserPk: user.pk, action: 'override.created', targetType: 'account', targetId: input.accountId,
      details: { band: input.band, reason: input.reason, expiresAt: new Date(input.expiresAt).toISOString(), computedBand: computed?.band ?? null, computedScore: computed?.score ?? null },
    });
    return { pk };
  });
}

export async function revokeOverride(db: Store, accountId: string, user: CurrentUser, now = Date.now()): Promise<void> {
  const account = await accountFor(db, accountId, user);
  await db.tx(async (tx) => {
    const res = await tx.run('UPDATE overrides SET revoked_at = ?, revoked_by_user_pk = ? WHERE account_pk = ? AND revoked_at IS NULL AND expires_at > ?', [now, user.pk, account.pk, now]);
    if (res.changes === 0) throw new AppError('not_found', 'This account has no active override');
    await recordAudit(tx, { actor: user.email, actorUserPk: user.pk, action: 'override.revoked', targetType: 'account', targetId: accountId });
  });
}
