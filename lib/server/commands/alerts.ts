/** Acknowledging and snoozing alerts. A CSM may act on alerts of their own accounts only. */
import type { Store } from '@/lib/server/store';
import { hasRole } from '@/lib/roles';
import { AppError } from '../errors';
import type { CurrentUser } from '../session';

export const SNOOZE_DAYS = [1, 3, 7] as const;

async function loadAlert(db: Store, pk: number, user: CurrentUser) {
  const row = await db.get<{ pk: number; acknowledged_at: number | null; owner_email: string | null }>(
    'SELECT al.pk, al.acknowledged_at, a.owner_email FROM alerts al JOIN accounts a ON a.pk = al.account_pk WHERE al.pk = ?',
    [pk],
  );
  if (!row) throw new AppError('not_found', 'That alert no longer exists');
  if (!hasRole(user.role, 'manager') && row.owner_email !== user.email) throw new AppError('forbidden', 'This alert belongs to another CSM’s account');
  return row;
}

export async function acknowledgeAlert(db: Store, pk: number, user: CurrentUser, now = Date.now()): Promise<void> {
  await loadAlert(db, pk, user);
  await db.run('UPDATE alerts SET acknowledged_at = ?, acknowledged_by_user_pk = ?, snoozed_until = NULL WHERE pk = ? AND acknowledged_at IS NULL', [now, user.pk, pk]);
}

export async function snoozeAlert(db: Store, pk: number, days: number, user: CurrentUser, now = Date.now()): Promise<number> {
  await loadAlert(db, pk, user);
  const until = now + days * 86_400_000;
  await db.run('UPDATE alerts SET snoozed_until = ? WHERE pk = ?', [until, pk]);
  return until;
}

/** Brings an acknowledged or snoozed alert back to the open list. */
export async function reopenAlert(db: Store, pk: number, user: CurrentUser): Promise<void> {
  await loadAlert(db, pk, user);
  await db.run('UPDATE alerts SET acknowledged_at = NULL, acknowledged_by_user_pk = NULL, snoozed_until = NULL WHERE pk = ?', [pk]);
}
