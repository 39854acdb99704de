/**
 * The account page's actions with a faked session on a real database: a CSM logs touchpoints and
 * acts on tasks of their own accounts only (refused elsewhere, nothing written); what a logged
 * call changes (cadence, tasks, timeline); bad input named by field.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/roles';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { insertDefaultPlaybooks } from '@/lib/server/commands/playbooks';
import { refreshAllProgramme } from '@/lib/server/commands/programme';
import { accountCadence } from '@/lib/server/queries/cadence';
import { listTasks } from '@/lib/server/queries/tasks';
import { accountTimelinePage } from '@/lib/server/queries/timeline';
import { insertActionUser, type ActionUser } from '@/lib/testing/action-user';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | { pk: number; email: string; name: string | null; role: Role } }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const a = { ...(await import('./actions')), ...(await import('../../my-day/actions')) };

const DAY = 86_400_000;

describeEngines('the account page actions', (t) => {
  let csm: ActionUser;
  let other: ActionUser;
  const pks = new Map<string, number>();
  const count = (sql: string) => t.store.value<number>(sql).then(Number);

  beforeEach(async () => {
    state.store = await prepareDatabase(t.store);
    await insertDefaultPlaybooks(t.store);
    csm = await insertActionUser(t.store, 'csm');
    const otherPk = (await t.store.value<number>("INSERT INTO users (email, name, role) VALUES ('other@example.com', 'Olive Other', 'csm') RETURNING pk"))!;
    other = { pk: otherPk, email: 'other@example.com', name: 'Olive Other', role: 'csm' };
    for (const [id, owner] of [['mine', csm.email], ['theirs', other.email]] as const) {
      const pk = (await t.store.value<number>(
        "INSERT INTO accounts (id, name, arr, tier, owner_email, started_at) VALUES (?, ?, 1000, 'strategic', ?, ?) RETURNING pk",
        [id, `Account ${id}`, owner, Date.now() - 60 * DAY],
      ))!;
      pks.set(id, pk);
      await t.store.run("INSERT INTO contacts (id, account_pk, name) VALUES (?, ?, 'Pat Sponsor')", [`${id}-pat`, pk]);
    }
    // The sweep: cadence items (touchpoints overdue, never done) and the playbook's tasks.
    await refreshAllProgramme(t.store);
    state.user = csm;
  });

  it('refuse a CSM on another CSM’s account, writing nothing', async () => {
    const [theirTask] = (await listTasks(t.store, { accountPk: pks.get('theirs')! })).data;
    expect(theirTask).toBeDefined();
    const before = { events: await count('SELECT count(*) FROM events'), tasks: await count('SELECT count(*) FROM tasks'), audit: await count('SELECT count(*) FROM audit_log') };
    const answers = [
      await a.logTouchpointAction({ accountId: 'theirs', kind: 'call', note: 'Not mine', executiveAttended: 'on' }),
      await a.completeTaskAction({ pk: theirTask!.id }),
      await a.snoozeTaskAction({ pk: theirTask!.id, days: 3 }),
      await a.addTaskAction({ accountId: 'theirs', title: 'Sneak a task in', dueOn: new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10) }),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/another CSM/) });
    expect({ events: await count('SELECT count(*) FROM events'), tasks: await count('SELECT count(*) FROM tasks'), audit: await count('SELECT count(*) FROM audit_log') }).toEqual(before);
    expect((await listTasks(t.store, { accountPk: pks.get('theirs')! })).data.map((x) => [x.id, x.state])).toEqual([[theirTask!.id, 'open']]);
    expect((await accountCadence(t.store, pks.get('theirs')!)).map((i) => [i.key, i.overdue, i.lastAt])).toEqual([
      ['touchpoint', true, null], ['business-review', false, null], ['executive-checkin', true, null],
    ]);
    // Signed out: refused before anything else.
    state.user = null;
    expect(await a.logTouchpointAction({ accountId: 'mine', kind: 'note', note: 'x' })).toMatchObject({ ok: false, message: expect.stringMatching(/session has ended/) });
    expect(await count('SELECT count(*) FROM events')).toBe(before.events);
  });

  it('log a call on the CSM’s own account: cadence fulfilled, the overdue task closed, the timeline shows who and what', async () => {
    const mine = pks.get('mine')!;
    expect((await accountCadence(t.store, mine)).filter((i) => i.overdue).map((i) => i.key)).toEqual(['touchpoint', 'executive-checkin']);
    expect((await listTasks(t.store, { accountPk: mine })).data.map((x) => x.title)).toContain('Schedule a check-in call');

    const form = new FormData();
    for (const [k, v] of Object.entries({ accountId: 'mine', kind: 'call', minutes: '30', contactId: 'mine-pat', note: 'Walked through the 50% rollout_plan', executiveAttended: 'on', onTime: 'on' })) form.set(k, v);
    const answer = await a.logTouchpointAction(null, form);
    expect(answer).toMatchObject({ ok: true });

    const cadence = await accountCadence(t.store, mine);
    expect(cadence.filter((i) => i.overdue)).toEqual([]);
    expect(cadence.find((i) => i.key === 'touchpoint')).toMatchObject({ lastTouch: 'meeting.held', lastTouchLabel: 'Meeting held' });
    expect(cadence.find((i) => i.key === 'executive-checkin')).toMatchObject({ lastTouch: 'meeting.held#executiveAttended', lastTouchLabel: 'Meeting held (executive attended)' });
    expect((await listTasks(t.store, { accountPk: mine })).data.map((x) => x.title)).not.toContain('Schedule a check-in call');
    expect((await listTasks(t.store, { accountPk: mine, state: 'done' })).data).toContainEqual(expect.objectContaining({ title: 'Schedule a check-in call', closedReason: 'condition_ended' }));

    const [event] = (await accountTimelinePage(t.store, mine, { q: '50% ROLLOUT_plan' })).data;
    expect(event).toMatchObject({ type: 'meeting.held', label: 'Meeting held', source: 'app', contact: 'Pat Sponsor' });
    expect(event!.properties).toMatchObject({ loggedBy: 'csm@example.com', loggedByName: 'csm', channel: 'call', minutes: 30, executiveAttended: true, onTime: true, strategic: false, text: 'Walked through the 50% rollout_plan' });
  });

  it('name the field of bad input', async () => {
    expect(await a.logTouchpointAction({ accountId: 'mine', kind: 'lunch' })).toMatchObject({ ok: false, fieldErrors: { kind: [expect.any(String)] } });
    expect(await a.logTouchpointAction({ accountId: 'mine', kind: 'note', note: '  ' })).toMatchObject({ ok: false, fieldErrors: { note: ['Write the note'] } });
    expect(await a.logTouchpointAction({ accountId: 'mine', kind: 'email', minutes: 'ten' })).toMatchObject({ ok: false, fieldErrors: { minutes: [expect.any(String)] } });
    const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 16);
    expect(await a.logTouchpointAction({ accountId: 'mine', kind: 'email', occurredAt: tomorrow })).toMatchObject({ ok: false, fieldErrors: { occurredAt: [expect.any(String)] } });
    const [task] = (await listTasks(t.store, { accountPk: pks.get('mine')! })).data;
    expect(await a.snoozeTaskAction({ pk: task!.id, days: 2 })).toMatchObject({ ok: false, fieldErrors: { days: [expect.any(String)] } });
    expect(await a.addTaskAction({ accountId: 'mine', title: 'x', dueOn: 'soon' })).toMatchObject({ ok: false, fieldErrors: { title: [expect.any(String)], dueOn: [expect.any(String)] } });
    expect(await count('SELECT count(*) FROM events')).toBe(0);
  });

  it('let the owner finish, snooze and add tasks, and a manager log on anyone’s account', async () => {
    const mine = pks.get('mine')!;
    const open = (await listTasks(t.store, { accountPk: mine })).data;
    expect(open.length).toBeGreaterThanOrEqual(1);
    const task = open[0]!;
    expect(await a.snoozeTaskAction({ pk: task.id, days: 3 })).toMatchObject({ ok: true });
    const snoozed = (await listTasks(t.store, { accountPk: mine, state: 'snoozed' })).data.find((x) => x.id === task.id)!;
    expect(Date.parse(snoozed.snoozedUntil!) - Date.now()).toBeGreaterThan(2.9 * DAY);
    expect(await a.completeTaskAction({ pk: task.id })).toMatchObject({ ok: true });
    expect((await listTasks(t.store, { accountPk: mine, state: 'done' })).data).toContainEqual(expect.objectContaining({ id: task.id, closedReason: 'done' }));
    const due = new Date(Date.now() + 5 * DAY).toISOString().slice(0, 10);
    expect(await a.addTaskAction({ accountId: 'mine', title: 'Send the renewal deck', dueOn: due })).toMatchObject({ ok: true });
    expect((await listTasks(t.store, { accountPk: mine })).data).toContainEqual(expect.objectContaining({ title: 'Send the renewal deck', reason: 'Added by csm', dueAt: `${due}T23:59:59.999Z`, owner: 'csm@example.com' }));
    expect(await t.store.column("SELECT action FROM audit_log WHERE target_type = 'task' ORDER BY pk")).toEqual(['task.snoozed', 'task.done', 'task.created']);

    state.user = await insertActionUser(t.store, 'manager');
    expect(await a.logTouchpointAction({ accountId: 'theirs', kind: 'review', note: 'QBR with the board' })).toMatchObject({ ok: true });
    expect((await accountCadence(t.store, pks.get('theirs')!)).find((i) => i.key === 'business-review')).toMatchObject({ overdue: false, lastTouchLabel: 'QBR held' });
  });
});
