/**
 * The Cohorts page's churn-risk actions with a faked session on a real database: only admins ask
 * for a refit or change the horizon (CSMs and managers are refused, nothing written); what an
 * admin's call records (the setting, the audit, the fit job).
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/roles';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { RISK_JOB_KIND } from '@/lib/server/commands/risk';
import { riskHorizon } from '@/lib/server/queries/risk';
import { insertActionUser } from '@/lib/testing/action-user';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | { pk: number; email: string; name: string | null; role: Role } }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const a = await import('./actions');

describeEngines('the churn-risk actions', (t) => {
  const count = (sql: string) => t.store.value<number>(sql).then(Number);

  beforeEach(async () => {
    state.store = await prepareDatabase(t.store);
    // No background work in this process: a fit is only recorded (a worker would run it).
    vi.stubEnv('TRELLIS_WORKER', 'off');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('refuses CSMs and managers, writing nothing', async () => {
    for (const role of ['csm', 'manager'] as const) {
      state.user = await insertActionUser(t.store, role);
      expect(await a.refitRiskAction({})).toMatchObject({ ok: false });
      expect(await a.setRiskHorizonAction({ horizonDays: 180 })).toMatchObject({ ok: false });
    }
    expect(await count("SELECT count(*) FROM jobs WHERE kind = 'risk'")).toBe(0);
    expect(await count('SELECT count(*) FROM audit_log')).toBe(0);
    expect(await riskHorizon(t.store)).toBe(90);
  });

  it('lets an admin change the horizon and ask for a refit: one fit job waits, audited', async () => {
    state.user = await insertActionUser(t.store, 'admin');
    expect(await a.setRiskHorizonAction({ horizonDays: 20 })).toMatchObject({ ok: false, fieldErrors: { horizonDays: [expect.stringContaining('30 to 365')] } });
    const set = await a.setRiskHorizonAction({ horizonDays: '180' });
    expect(set).toMatchObject({ ok: true });
    expect(await riskHorizon(t.store)).toBe(180);
    const refit = await a.refitRiskAction({});
    expect(refit).toMatchObject({ ok: true });
    // the refit joins the fit the horizon change recorded: one waits
    expect(await count(`SELECT count(*) FROM jobs WHERE kind = '${RISK_JOB_KIND}' AND status = 'running'`)).toBe(1);
    expect(await t.store.column("SELECT action FROM audit_log ORDER BY pk")).toEqual(['setting.updated', 'risk.refit']);
  });
});
