/** The daily budget of "My day" (how many accounts the morning's list shows in full): admins set it. */
import { hasRole } from '@/lib/roles';
import type { Store } from '@/lib/server/store';
import { AppError } from '../errors';
import { MAX_MY_DAY_BUDGET, myDayBudget, MY_DAY_BUDGET_SETTING } from '../queries/my-day';
import type { CurrentUser } from '../session';
import { recordAudit } from './audit';

export async function setMyDayBudget(db: Store, budget: number, user: CurrentUser, ip: string | null = null): Promise<void> {
  if (!hasRole(user.role, 'admin')) throw new AppError('forbidden', 'Only admins set the daily budget');
  if (!Number.isInteger(budget) || budget < 1 || budget > MAX_MY_DAY_BUDGET) {
    throw new AppError('invalid', `The daily budget is a whole number from 1 to ${MAX_MY_DAY_BUDGET}`, [{ path: 'budget', message: `a whole number from 1 to ${MAX_MY_DAY_BUDGET}` }]);
  }
  await db.tx(async (tx) => {
    const before = await myDayBudget(tx);
    await tx.run(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      [MY_DAY_BUDGET_SETTING, JSON.stringify(budget), Date.now()],
    );
    await recordAudit(tx, { actor: user.email, actorUserPk: user.pk, action: 'setting.updated', targetType: 'setting', targetId: MY_DAY_BUDGET_SETTING, details: { from: before, to: budget }, ip });
  });
}
