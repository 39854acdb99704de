/** Acknowledging and snoozing alerts. A CSM may act on alerts of their own accounts only. */
import type { Db } from '@/db/open';
import { hasRole } from '@/lib/roles';
import { AppError } from '../errors';
import type { CurrentUser } from '../session';

export const SNOOZE_DAYS = [1, 3, 7] as const;

function loadAlert(db: Db, pk: number, user: CurrentUser) {
  const row = db.$client
    .prepare('SELECT al.pk, al.acknowledged_at, a.owner_email FROM alerts al JOIN accounts a ON a.pk = al.account_pk WHERE al.pk = ?')
    .get(pk) as { pk: number; acknowledged_at: number | null; owner_email: string | null } | undefined;
  if (!row) throw new AppError('not_found', 'That alert no longer exists');
  if (!hasRole(user.role, 'manager') && row.owner_email !== user.email) throw new AppError('forbidden', 'This alert belongs to another CSM’s account');
  return row;
}

export function acknowledgeAlert(db: Db, pk: number, user: CurrentUser, now = Date.now()): void {
  loadAlert(db, pk, user);
  db.$client.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by_user_pk = ?, snoozed_until = NULL WHERE pk = ? AND acknowledged_at IS NULL').run(now, user.pk, pk);
}

export function snoozeAlert(db: Db, pk: number, days: number, user: CurrentUser, now = Date.now()): number {
  loadAlert(db, pk, user);
  const until = now + days * 86_400_000;
  db.$client.prepare('UPDATE alerts SET snoozed_until = ? WHERE pk = ?').run(until, pk);
  return until;
}

/** Brings an acknowledged or snoozed alert back to the open list. */
export function reopenAlert(db: Db, pk: number, user: CurrentUser): void {
  loadAlert(db, pk, user);
  db.$client.prepare('UPDATE alerts SET acknowledged_at = NULL, acknowledged_by_user_pk = NULL, snoozed_until = NULL WHERE pk = ?').run(pk);
}
