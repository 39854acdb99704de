/**
 * `GET /api/v1/tasks` and `PATCH /api/v1/tasks/{id}`: scopes, state filters (a snooze that has
 * ended reads as open), cursor paging, and bad input refused with the field named.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { DAY_MS } from '@/lib/programme/cadence';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { callRoute } from '@/lib/testing/api-route';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const list = await import('./route');
const one = await import('./[id]/route');

const NOW = Date.now();
const ANN = 'ann@example.com';
const BOB = 'bob@example.com';

describeEngines('the tasks API', (t) => {
  let read = '';
  let ingest = '';
  const pks = new Map<string, number>();
  const get = (query = '', key = read) => callRoute(list.GET, { path: `/api/v1/tasks${query}`, key });
  const patch = (id: string | number, body: unknown, key = ingest) =>
    callRoute(one.PATCH, { path: `/api/v1/tasks/${encodeURIComponent(String(id))}`, method: 'PATCH', body, key, params: { id: String(id) } });
  const titles = (answer: { body: { data: { title: string }[] } }) => answer.body.data.map((x) => x.title);

  beforeEach(async () => {
    const db = t.store;
    state.store = db;
    read = (await createApiKey(db, { name: 'Reader', scope: 'read' }, { actor: 'cli' })).key;
    ingest = (await createApiKey(db, { name: 'Zapier', scope: 'ingest' }, { actor: 'cli' })).key;
    const account = async (id: string, owner: string) => (await db.value<number>('INSERT INTO accounts (id, name, owner_email) VALUES (?, ?, ?) RETURNING pk', [id, `Account ${id}`, owner]))!;
    const acme = await account('acme', ANN);
    const globex = await account('globex', BOB);
    const playbook = (await db.value<number>(
      "INSERT INTO playbooks (key, name, condition, steps) VALUES ('red-save-play', 'Save play', '{\"kind\":\"band\",\"band\":\"red\"}', '[]') RETURNING pk",
    ))!;
    const task = async (title: string, accountPk: number, owner: string, dueIn: number, more: { state?: string; snoozedFor?: number; doneAgo?: number; playbook?: number } = {}) =>
      pks.set(title, (await db.value<number>(
        `INSERT INTO tasks (account_pk, owner_email, title, reason, playbook_pk, due_at, state, snoozed_until, done_at, closed_reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk`,
        [accountPk, owner, title, `Because of ${title}`, more.playbook ?? null, NOW + dueIn * DAY_MS, more.state ?? 'open',
          more.snoozedFor === undefined ? null : NOW + more.snoozedFor * DAY_MS, more.doneAgo === undefined ? null : NOW - more.doneAgo * DAY_MS,
          more.doneAgo === undefined ? null : 'done', NOW - 5 * DAY_MS, NOW],
      ))!);
    await task('call champion', acme, ANN, 1, { playbook });
    await task('escalate', acme, ANN, 3, { playbook });
    await task('woke up', acme, ANN, 2, { state: 'snoozed', snoozedFor: -1 });
    await task('later', acme, ANN, 0.5, { state: 'snoozed', snoozedFor: 4 });
    await task('sent the deck', acme, ANN, -3, { state: 'done', doneAgo: 1 });
    await task('old win', globex, BOB, -9, { state: 'done', doneAgo: 6 });
    await task('bob follow-up', globex, BOB, 5);
  });

  it('lists open tasks by due date, a snooze that has ended among them, in the documented shape', async () => {
    const answer = await get();
    expect(answer.status).toBe(200);
    expect(titles(answer)).toEqual(['call champion', 'woke up', 'escalate', 'bob follow-up']);
    expect(answer.body.nextCursor).toBeNull();
    expect(answer.body.data[0]).toEqual({
      id: pks.get('call champion'), accountId: 'acme', accountName: 'Account acme', owner: ANN, title: 'call champion', reason: 'Because of call champion',
      playbook: 'red-save-play', playbookName: 'Save play', dueAt: new Date(NOW + DAY_MS).toISOString(), state: 'open', snoozedUntil: null,
      createdAt: new Date(NOW - 5 * DAY_MS).toISOString(), doneAt: null, closedReason: null, notes: [],
    });
    expect(answer.body.data[1]).toMatchObject({ title: 'woke up', state: 'open', snoozedUntil: null });
    expect(titles(await get('?state=snoozed'))).toEqual(['later']);
    expect((await get('?state=snoozed')).body.data[0]).toMatchObject({ state: 'snoozed', snoozedUntil: new Date(NOW + 4 * DAY_MS).toISOString() });
    expect(titles(await get('?state=done'))).toEqual(['sent the deck', 'old win']);
    expect(titles(await get(`?owner=${encodeURIComponent(BOB)}`))).toEqual(['bob follow-up']);
    expect(titles(await get('?accountId=acme&state=done'))).toEqual(['sent the deck']);
    expect(titles(await get('?accountId=nobody'))).toEqual([]);
  });

  it('pages with a cursor, every task once', async () => {
    for (const state of ['open', 'done'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const answer = await get(`?state=${state}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(answer.status).toBe(200);
        expect(answer.body.data.length).toBeLessThanOrEqual(1);
        seen.push(...titles(answer));
        cursor = answer.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).toEqual(titles(await get(`?state=${state}`)));
    }
    const two = await get('?limit=2');
    expect(titles(two)).toEqual(['call champion', 'woke up']);
    expect(titles(await get(`?limit=2&cursor=${two.body.nextCursor}`))).toEqual(['escalate', 'bob follow-up']);
  });

  it('refuses bad queries, naming the field', async () => {
    const cases: [string, string][] = [
      ['?status=open', 'status'],
      ['?state=closed', 'state'],
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=10000', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['?__proto__=1', '__proto__'],
      ['?owner=a%00b', 'owner'],
      ['?cursor=%22%3E', 'cursor'],
    ];
    for (const [query, field] of cases) {
      const answer = await get(query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe('invalid');
      expect(answer.body.error.details.map((d: { path: string }) => d.path), query).toEqual([field]);
    }
    expect((await get('', ingest)).status).toBe(403);
    expect((await get('', '')).status).toBe(401);
  });

  it('marks a task done, snoozes it, opens it again and adds notes through an ingest key', async () => {
    const pk = pks.get('call champion')!;
    const done = await patch(pk, { state: 'done', note: 'Spoke to Ada: budget freeze until March' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: pk, state: 'done', closedReason: 'done', doneAt: expect.any(String), notes: [{ author: 'api key Zapier', body: 'Spoke to Ada: budget freeze until March' }] });
    expect(titles(await get('?state=done'))).toContain('call champion');
    expect(titles(await get())).not.toContain('call champion');

    const until = new Date(NOW + 3 * DAY_MS).toISOString();
    expect((await patch(pk, { state: 'snoozed', snoozeUntil: until })).body).toMatchObject({ state: 'snoozed', snoozedUntil: until, doneAt: null });
    expect(titles(await get('?state=snoozed'))).toContain('call champion');
    expect((await patch(pk, { state: 'open' })).body).toMatchObject({ state: 'open', snoozedUntil: null });
    expect((await patch(pk, { note: 'Left a voicemail' })).body.notes).toHaveLength(2);
    const audit = await t.store.column<string>("SELECT action FROM audit_log WHERE target_type = 'task' ORDER BY pk");
    expect(audit).toEqual(['task.done', 'task.snoozed', 'task.reopened', 'task.noted']);
    expect(await t.store.value("SELECT DISTINCT actor FROM audit_log WHERE target_type = 'task'")).toBe('api key Zapier');
  });

  it('refuses a read key and bad changes, and answers 404 for ids that name no task', async () => {
    const pk = pks.get('escalate')!;
    const refused = await patch(pk, { state: 'done' }, read);
    expect(refused.status).toBe(403);
    expect(await t.store.value('SELECT state FROM tasks WHERE pk = ?', [pk])).toBe('open');

    const bad: [unknown, string][] = [
      [{ status: 'done' }, 'status'],
      [{ state: 'closed' }, 'state'],
      [{ state: 'snoozed', snoozeUntil: 'next week' }, 'snoozeUntil'],
      [{ state: 'done', snoozeUntil: new Date(NOW + DAY_MS).toISOString() }, 'snoozeUntil'],
      [{ state: 'snoozed', snoozeUntil: new Date(NOW - DAY_MS).toISOString() }, 'snoozeUntil'],
      [{ state: 'snoozed', snoozeUntil: new Date(NOW + 400 * DAY_MS).toISOString() }, 'snoozeUntil'],
      [{ note: '   ' }, 'note'],
      [{ note: 42 }, 'note'],
      [{ note: 'x'.repeat(2001) }, 'note'],
      [{ note: 'nul\u0000' }, 'note'],
      [{}, 'state'],
      [[{ state: 'done' }], '(root)'],
    ];
    for (const [body, field] of bad) {
      const answer = await patch(pk, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    for (const body of ['', '{"state":']) {
      const answer = await patch(pk, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/empty|not valid JSON/);
    }
    expect(await t.store.value('SELECT state FROM tasks WHERE pk = ?', [pk])).toBe('open');
    expect(await t.store.value("SELECT count(*) FROM audit_log WHERE target_type = 'task'")).toBe(0);

    for (const id of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '__proto__', ' 1', '999999']) {
      const answer = await patch(id, { state: 'done' });
      expect(answer.status, id).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });
});
