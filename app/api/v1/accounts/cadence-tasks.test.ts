/**
 * The accounts API with the programme (API.md "Cadence and tasks") through its route handlers on
 * each engine: an account's cadence items and open tasks, the overdue filter and sort, the older
 * forms unchanged; and the account page's timeline route (a session route) with its pages and search.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { insertDefaultPlaybooks } from '@/lib/server/commands/playbooks';
import { refreshAllProgramme } from '@/lib/server/commands/programme';
import { AppError } from '@/lib/server/errors';
import { callRoute } from '@/lib/testing/api-route';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | { pk: number; email: string; name: string | null; role: 'csm' | 'manager' | 'admin' } }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({
  getCurrentUser: async () => state.user,
  requireApiRole: async () => {
    if (!state.user) throw new AppError('unauthorized', 'Sign in first');
    return state.user;
  },
}));

const list = await import('./route');
const detail = await import('./[id]/route');
const timeline = await import('../../app/accounts/[id]/timeline/route');

const DAY = 86_400_000;

describeEngines('the accounts API with cadence and tasks', (t) => {
  let read = '';
  let ingest = '';

  beforeEach(async () => {
    state.store = await prepareDatabase(t.store);
    state.user = null;
    await insertDefaultPlaybooks(t.store);
    read = (await createApiKey(t.store, { name: 'read', scope: 'read' }, { actor: 'cli' })).key;
    ingest = (await createApiKey(t.store, { name: 'ingest', scope: 'ingest' }, { actor: 'cli' })).key;
    const now = Date.now();
    // Strategic accounts started 60, 20 and 3 days ago: weekly touchpoints overdue for the first two only.
    for (const [id, startedDays] of [['old', 60], ['mid', 20], ['new', 3]] as const) {
      await t.store.run("INSERT INTO accounts (id, name, arr, tier, owner_email, started_at) VALUES (?, ?, 100, 'strategic', 'csm@example.com', ?)", [id, `Account ${id}`, now - startedDays * DAY]);
    }
    await t.store.run("INSERT INTO accounts (id, name, arr, tier) VALUES ('plain', 'Plain', 100, 'nurture')");
    await refreshAllProgramme(t.store, now);
  });

  it('answers an account with its cadence items and open tasks', async () => {
    const { status, body } = await callRoute(detail.GET, { path: '/api/v1/accounts/old', key: read, params: { id: 'old' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'old', name: 'Account old', state: expect.any(String), dimensions: expect.any(Array) });
    expect(body.cadence).toEqual([
      { key: 'touchpoint', label: 'CSM touchpoint', everyDays: 7, lastAt: null, dueAt: expect.any(String), overdue: true },
      { key: 'business-review', label: 'Business review', everyDays: 91, lastAt: null, dueAt: expect.any(String), overdue: false },
      { key: 'executive-checkin', label: 'Executive check-in', everyDays: 30, lastAt: null, dueAt: expect.any(String), overdue: true },
    ]);
    expect(body.tasks).toContainEqual({
      id: expect.any(Number), accountId: 'old', owner: 'csm@example.com', title: 'Schedule a check-in call', reason: expect.stringMatching(/^Created because/),
      playbook: 'overdue-touchpoint', dueAt: expect.any(String), state: 'open', createdAt: expect.any(String), doneAt: null,
      // The tasks API's item, as GET /api/v1/tasks answers it.
      accountName: 'Account old', playbookName: 'Touchpoint overdue', snoozedUntil: null, closedReason: null, notes: [],
    });
    // A tier without cadence: empty lists, not missing ones; `asOf` still answers the score then.
    const plain = await callRoute(detail.GET, { path: `/api/v1/accounts/plain?asOf=${new Date(Date.now() - DAY).toISOString()}`, key: read, params: { id: 'plain' } });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ id: 'plain', cadence: [], tasks: [] });
    expect((await callRoute(detail.GET, { path: '/api/v1/accounts/nope', key: read, params: { id: 'nope' } })).status).toBe(404);
    expect((await callRoute(detail.GET, { path: '/api/v1/accounts/old', key: ingest, params: { id: 'old' } })).status).toBe(403);
  });

  it('lists only accounts with an overdue touchpoint, most overdue first, and keeps the older forms', async () => {
    const ids = async (qs: string) => {
      const answer = await callRoute(list.GET, { path: `/api/v1/accounts${qs}`, key: read });
      expect(answer.status).toBe(200);
      return (answer.body.data as { id: string }[]).map((a) => a.id);
    };
    expect((await ids('?overdue=true')).sort()).toEqual(['mid', 'old']);
    expect(await ids('?overdue=true&sort=overdue')).toEqual(['old', 'mid']);
    expect(await ids('?sort=overdue')).toEqual(['old', 'mid', 'new', 'plain']);
    expect((await ids('?overdue=false')).sort()).toEqual(['mid', 'new', 'old', 'plain']);
    expect((await ids('')).sort()).toEqual(['mid', 'new', 'old', 'plain']);
    expect(await ids('?overdue=true&q=mid')).toEqual(['mid']);
    const paged = await callRoute(list.GET, { path: '/api/v1/accounts?sort=overdue&limit=1', key: read });
    const next = await callRoute(list.GET, { path: `/api/v1/accounts?sort=overdue&limit=1&cursor=${paged.body.nextCursor}`, key: read });
    expect([paged.body.data[0].id, next.body.data[0].id]).toEqual(['old', 'mid']);
    const bad = await callRoute(list.GET, { path: '/api/v1/accounts?overdue=yes', key: read });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('overdue');
  });

  it('pages and searches the account page’s timeline for a signed-in user only', async () => {
    const pk = (await t.store.value<number>("SELECT pk FROM accounts WHERE id = 'old'"))!;
    const now = Date.now();
    for (let i = 0; i < 27; i++) {
      await t.store.run("INSERT INTO events (id, account_pk, type, occurred_at, count, properties) VALUES (?, ?, 'note.logged', ?, 1, ?)", [
        `n${i}`, pk, now - i * 60_000, JSON.stringify({ text: i === 26 ? 'Budget is 50% of last_year' : `note ${i}` }),
      ]);
    }
    const get = (qs: string) => callRoute(timeline.GET, { path: `/api/app/accounts/old/timeline${qs}`, params: { id: 'old' } });
    expect((await get('')).status).toBe(401);
    state.user = { pk: 1, email: 'csm@example.com', name: 'Casey', role: 'csm' };
    const first = await get('');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(25);
    expect(first.body.data[0]).toMatchObject({ id: 'n0', label: expect.any(String), properties: { text: 'note 0' } });
    const second = await get(`?cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ data: [{ id: 'n25' }, { id: 'n26' }], nextCursor: null });
    const found = await get(`?q=${encodeURIComponent('50% OF LAST_')}`);
    expect(found.body.data.map((e: { id: string }) => e.id)).toEqual(['n26']);
    expect((await get(`?q=${encodeURIComponent('%')}`)).body.data.map((e: { id: string }) => e.id)).toEqual(['n26']);
    expect((await get('?cursor=zzz')).status).toBe(400);
    expect((await get('?limit=1000')).status).toBe(400);
    expect((await callRoute(timeline.GET, { path: '/api/app/accounts/nope/timeline', params: { id: 'nope' } })).status).toBe(404);
  });
});
