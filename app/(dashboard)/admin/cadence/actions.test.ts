/**
 * Publishing the cadence is for admins only: a CSM or a manager calling the action directly is
 * refused before anything is written. An admin's publish recomputes every account at once, and
 * what is wrong in a cadence comes back by the field's path. Session faked; database real, on
 * each engine.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { DEFAULT_CADENCE } from '@/lib/programme/cadence';
import type { Role } from '@/lib/roles';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { insertActionUser, type ActionUser } from '@/lib/testing/action-user';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | ActionUser }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const { publishCadenceAction } = await import('./actions');

const DAY = 86_400_000;

function weeklyGrowth() {
  const cadence = structuredClone(DEFAULT_CADENCE);
  cadence.tiers.growth[0]!.everyDays = 7;
  return cadence;
}

describeEngines('cadence actions', (t) => {
  let growthPk: number;

  beforeEach(async () => {
    await prepareDatabase(t.store);
    state.store = t.store;
    growthPk = (await t.store.value<number>("INSERT INTO accounts (id, name, tier, owner_email, started_at) VALUES ('G', 'Growing', 'growth', 'ann@example.com', ?) RETURNING pk", [Date.now() - 400 * DAY]))!;
  });

  const signInAs = async (role: Role) => {
    state.user = await insertActionUser(t.store, role);
  };
  const count = (table: string) => t.store.value<number>(`SELECT count(*) FROM ${table}`);

  it.each(['csm', 'manager'] as const)('refuse a %s and publish nothing', async (role) => {
    await signInAs(role);
    expect(await publishCadenceAction({ cadence: weeklyGrowth(), note: 'try' })).toMatchObject({ ok: false, message: 'Your role does not allow this.' });
    expect(await count('cadence_versions')).toBe(0);
    expect(await count('cadence_status')).toBe(0);
  });

  it('refuse anyone signed out', async () => {
    state.user = null;
    expect(await publishCadenceAction({ cadence: weeklyGrowth() })).toMatchObject({ ok: false });
    expect(await count('cadence_versions')).toBe(0);
  });

  it('let an admin publish, and recompute every account with the new interval', async () => {
    await signInAs('admin');
    const result = await publishCadenceAction({ cadence: weeklyGrowth(), note: 'Weekly touchpoints for growth' });
    expect(result).toMatchObject({ ok: true, data: { version: 1, refreshed: { accounts: 1 } } });
    expect(await t.store.get("SELECT every_days, cadence_version FROM cadence_status WHERE account_pk = ? AND item_key = 'touchpoint'", [growthPk])).toEqual({ every_days: 7, cadence_version: 1 });
    expect(await t.store.get('SELECT version, author, note FROM cadence_versions')).toEqual({ version: 1, author: 'admin@example.com', note: 'Weekly touchpoints for growth' });
    expect(await t.store.column("SELECT action FROM audit_log WHERE target_type = 'cadence'")).toEqual(['cadence.published']);
  });

  it('name each problem of a refused cadence by its field, and publish nothing', async () => {
    await signInAs('admin');
    const bad = structuredClone(DEFAULT_CADENCE);
    bad.tiers.growth[0]!.everyDays = 0;
    expect(await publishCadenceAction({ cadence: bad })).toMatchObject({ ok: false, fieldErrors: { 'tiers.growth[0].everyDays': ['At least every day'] } });
    const typo = structuredClone(DEFAULT_CADENCE);
    typo.tiers.core[1]!.fulfilledBy[0]!.trigger = 'qbr.hled';
    expect(await publishCadenceAction({ cadence: typo })).toMatchObject({
      ok: false, message: expect.stringContaining('not in the catalogue'), fieldErrors: { 'tiers.core[1].fulfilledBy[0].trigger': ['no trigger "qbr.hled"'] },
    });
    expect(await publishCadenceAction({ note: 'nothing to publish' })).toMatchObject({ ok: false, fieldErrors: { cadence: [expect.any(String)] } });
    expect(await count('cadence_versions')).toBe(0);
  });
});
