/**
 * The experiments API (both engines): define with an admin key (201, every account assigned),
 * read with a read key (list, one, assignments by cursor, report), stop; scopes, bad input named
 * by field, conflicts; the account's experiments in GET /api/v1/accounts/{id}.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { callRoute } from '@/lib/testing/api-route';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const list = await import('./route');
const one = await import('./[id]/route');
const assignments = await import('./[id]/assignments/route');
const report = await import('./[id]/report/route');
const stop = await import('./[id]/stop/route');
const account = await import('../accounts/[id]/route');

const DAY = 86_400_000;

const definition = (over: Record<string, unknown> = {}) => ({
  key: 'weekly-calls',
  name: 'Weekly vs monthly calls for growth accounts',
  population: { tier: 'growth' },
  arms: [
    { key: 'monthly', label: 'Monthly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 30 }] },
    { key: 'weekly', label: 'Weekly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }] },
  ],
  seed: 42,
  startAt: new Date(Date.now()).toISOString(),
  ...over,
});

describeEngines('the experiments API', (t) => {
  let read = '';
  let admin = '';
  beforeEach(async () => {
    const db = t.store;
    state.store = db;
    await prepareDatabase(db);
    read = (await createApiKey(db, { name: 'Reader', scope: 'read' }, { actor: 'cli' })).key;
    admin = (await createApiKey(db, { name: 'Ops', scope: 'admin' }, { actor: 'cli' })).key;
    await upsertAccounts(db, Array.from({ length: 30 }, (_, i) => ({ id: `acc-${i}`, name: `Account ${i}`, tier: i < 24 ? ('growth' as const) : ('core' as const), startedAt: Date.now() - 300 * DAY })));
  });

  const post = (body: unknown, key = admin) => callRoute(list.POST, { path: '/api/v1/experiments', body, key });
  const get = <P,>(handler: Parameters<typeof callRoute<P>>[0], path: string, params: P, key = read) => callRoute(handler, { path, key, params });

  it('defines an experiment with an admin key and reads it back with a read key', async () => {
    const created = await post(definition());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), key: 'weekly-calls', assigned: 24, arms: [{ key: 'monthly', accounts: 12 }, { key: 'weekly', accounts: 12 }] });

    const all = await callRoute(list.GET, { path: '/api/v1/experiments', key: read });
    expect(all.status).toBe(200);
    expect(all.body.data).toEqual([expect.objectContaining({ key: 'weekly-calls', state: 'running', seed: 42, assigned: 24, lateJoiners: 'assign', stratifyBy: ['tier', 'band'] })]);

    for (const id of [String(created.body.id), 'weekly-calls']) {
      const detail = await get(one.GET, `/api/v1/experiments/${id}`, { id });
      expect(detail.status).toBe(200);
      expect(detail.body.arms.map((a: { key: string; accounts: number; baseline: boolean }) => [a.key, a.accounts, a.baseline])).toEqual([['monthly', 12, true], ['weekly', 12, false]]);
      expect(detail.body.strata).toEqual([{ stratum: 'tier=growth|band=none', arms: { monthly: 12, weekly: 12 }, total: 24 }]);
    }

    const page1 = await get(assignments.GET, '/api/v1/experiments/weekly-calls/assignments?limit=10', { id: 'weekly-calls' });
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(10);
    expect(page1.body.data[0]).toEqual({ accountId: 'acc-0', accountName: 'Account 0', arm: expect.stringMatching(/^(monthly|weekly)$/), stratum: 'tier=growth|band=none', assignedAt: expect.any(String), late: false });
    const rest = await get(assignments.GET, `/api/v1/experiments/weekly-calls/assignments?limit=500&cursor=${page1.body.nextCursor}`, { id: 'weekly-calls' });
    expect(rest.body.data).toHaveLength(14);
    expect(rest.body.nextCursor).toBeNull();
    const weekly = await get(assignments.GET, '/api/v1/experiments/weekly-calls/assignments?arm=weekly', { id: 'weekly-calls' });
    expect(weekly.body.data).toHaveLength(12);

    const answer = await get(report.GET, '/api/v1/experiments/weekly-calls/report', { id: 'weekly-calls' });
    expect(answer.status).toBe(200);
    expect(answer.body.arms.map((a: { key: string; accounts: number }) => [a.key, a.accounts])).toEqual([['monthly', 12], ['weekly', 12]]);
    expect(Object.keys(answer.body.arms[0].metrics)).toEqual(['scoreChange', 'churnRate', 'expansionRate', 'nps', 'csmMinutes']);
    expect(answer.body.comparisons).toHaveLength(5);
    expect(answer.body.comparisons[1]).toMatchObject({ arm: 'weekly', baseline: 'monthly', metric: 'churnRate', method: 'two-proportion-z-wald', significant: false });

    // The account says which arm it is in, and its cadence follows the arm.
    const arm = page1.body.data[0].arm;
    const acc = await get(account.GET, '/api/v1/accounts/acc-0', { id: 'acc-0' });
    expect(acc.body.experiments).toEqual([{ id: created.body.id, key: 'weekly-calls', name: 'Weekly vs monthly calls for growth accounts', state: 'running', arm, armLabel: arm === 'weekly' ? 'Weekly calls' : 'Monthly calls' }]);
    expect(acc.body.cadence.find((c: { key: string }) => c.key === 'touchpoint').everyDays).toBe(arm === 'weekly' ? 7 : 30);
  });

  it('refuses a read key, bad input (each field named), a taken key and an overlapping experiment', async () => {
    expect((await post(definition(), read)).status).toBe(403);
    const bad = await post({ ...definition(), colour: 'red', arms: [{ key: 'a', label: 'A', weight: 1.5 }], startAt: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: 'arms.0.weight', message: 'A whole number' },
      { path: 'startAt', message: 'startAt: an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z' },
      { path: 'colour', message: 'unknown field' },
    ]);
    expect((await post(definition())).status).toBe(201);
    const taken = await post(definition({ population: { tier: 'core' } }));
    expect(taken.status).toBe(409);
    expect(taken.body.error.details).toEqual([{ path: 'key', message: 'This key is taken: choose another' }]);
    const overlap = await post(definition({ key: 'fortnightly' }));
    expect(overlap.status).toBe(409);
    expect(overlap.body.error.message).toMatch(/overlaps the running experiment "weekly-calls" \(24 accounts are in both\), which also changes the cadence item "touchpoint"/);
    expect((await get(report.GET, '/api/v1/experiments/weekly-calls/report?asOf=yesterday', { id: 'weekly-calls' })).body.error.details).toEqual([{ path: 'asOf', message: 'an ISO 8601 instant, e.g. 2026-03-01T00:00:00Z' }]);
    expect((await get(assignments.GET, '/api/v1/experiments/weekly-calls/assignments?page=2', { id: 'weekly-calls' })).body.error.details).toEqual([{ path: 'page', message: 'unknown field' }]);
    expect((await get(one.GET, '/api/v1/experiments/nope', { id: 'nope' })).status).toBe(404);
  });

  it('stops an experiment with an admin key, once', async () => {
    await post(definition());
    const stopCall = (body: unknown, key = admin) => callRoute(stop.POST, { path: '/api/v1/experiments/weekly-calls/stop', method: 'POST', key, body, params: { id: 'weekly-calls' } });
    expect((await stopCall({}, read)).status).toBe(403);
    // Not an object, or an unknown field: refused, nothing stopped.
    expect((await stopCall([])).status).toBe(400);
    expect((await stopCall({ now: true })).body.error.details).toEqual([{ path: 'now', message: 'unknown field' }]);
    const stopped = await stopCall({ reason: 'The pilot budget ran out' });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ key: 'weekly-calls', state: 'finished', stoppedBy: 'apikey:Ops' });
    expect((await stopCall({})).status).toBe(409);
    // Its accounts are back on the tier's cadence.
    const acc = await get(account.GET, '/api/v1/accounts/acc-0', { id: 'acc-0' });
    expect(acc.body.cadence.find((c: { key: string }) => c.key === 'touchpoint').everyDays).toBe(14);
    expect(acc.body.experiments[0].state).toBe('finished');
  });
});
