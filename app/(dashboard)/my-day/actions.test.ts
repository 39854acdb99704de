/** My day's task actions check the role and the task's owner on the server. Session faked, database real. */
import { beforeEach, expect, it, vi } from 'vitest';
import { DAY_MS } from '@/lib/programme/cadence';
import type { Role } from '@/lib/roles';
import { reassignTask } from '@/lib/server/commands/tasks';
import { insertActionUser, type ActionUser } from '@/lib/testing/action-user';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | { pk: number; email: string; name: string | null; role: Role } }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const a = await import('./actions');

describeEngines('my day actions', (t) => {
  let users: Record<Role, ActionUser>;
  let mine = 0;
  let theirs = 0;
  const task = (pk: number) => t.store.get<{ state: string; owner_email: string; snoozed_until: number | null }>('SELECT state, owner_email, snoozed_until FROM tasks WHERE pk = ?', [pk]);

  beforeEach(async () => {
    const db = t.store;
    state.store = db;
    users = { csm: await insertActionUser(db, 'csm'), manager: await insertActionUser(db, 'manager'), admin: await insertActionUser(db, 'admin') };
    await db.run("INSERT INTO users (email, name, role) VALUES ('other@example.com', 'Other CSM', 'csm')");
    const account = async (id: string, owner: string) => (await db.value<number>('INSERT INTO accounts (id, name, owner_email) VALUES (?, ?, ?) RETURNING pk', [id, id, owner]))!;
    const add = async (accountPk: number, owner: string) =>
      (await db.value<number>("INSERT INTO tasks (account_pk, owner_email, title, due_at, created_at, updated_at) VALUES (?, ?, 'Call', ?, ?, ?) RETURNING pk", [accountPk, owner, Date.now(), Date.now(), Date.now()]))!;
    mine = await add(await account('MINE', users.csm.email), users.csm.email);
    theirs = await add(await account('THEIRS', 'other@example.com'), 'other@example.com');
  });

  const as = (role: Role) => {
    state.user = users[role];
  };

  it('let a CSM finish, snooze and annotate their own tasks', async () => {
    as('csm');
    expect(await a.addTaskNoteAction({ pk: mine, note: '  ' })).toMatchObject({ ok: false, fieldErrors: { note: ['Write the note'] } });
    expect(await a.addTaskNoteAction({ pk: mine, note: 'Left a voicemail' })).toMatchObject({ ok: true });
    expect(await t.store.value('SELECT body FROM task_notes WHERE task_pk = ?', [mine])).toBe('Left a voicemail');
    expect(await a.snoozeTaskAction({ pk: mine, days: 2 })).toMatchObject({ ok: false, fieldErrors: { days: [expect.stringContaining('1, 3, 7')] } });
    const before = Date.now();
    expect(await a.snoozeTaskAction({ pk: mine, days: 3 })).toMatchObject({ ok: true });
    const snoozed = (await task(mine))!;
    expect(snoozed.state).toBe('snoozed');
    expect(snoozed.snoozed_until).toBeGreaterThanOrEqual(before + 3 * DAY_MS);
    expect(snoozed.snoozed_until).toBeLessThanOrEqual(Date.now() + 3 * DAY_MS);
    expect(await a.completeTaskAction({ pk: mine })).toMatchObject({ ok: true });
    expect((await task(mine))!.state).toBe('done');
    expect(await a.completeTaskAction({ pk: 'x' })).toMatchObject({ ok: false, fieldErrors: { pk: ['Unknown task'] } });
  });

  it('refuse a CSM acting on another CSM’s task, or reassigning any task', async () => {
    as('csm');
    for (const answer of [await a.completeTaskAction({ pk: theirs }), await a.snoozeTaskAction({ pk: theirs, days: 1 }), await a.addTaskNoteAction({ pk: theirs, note: 'Mine now' })]) {
      expect(answer).toMatchObject({ ok: false, message: expect.stringContaining('another CSM') });
    }
    expect(await a.reassignTaskAction({ pk: mine, owner: 'other@example.com' })).toMatchObject({ ok: false, message: 'Your role does not allow this.' });
    expect(await a.reassignTaskAction({ pk: theirs, owner: users.csm.email })).toMatchObject({ ok: false, message: 'Your role does not allow this.' });
    // The command refuses too, whoever calls it.
    await expect(reassignTask(t.store, mine, 'other@example.com', users.csm)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await task(mine)).toMatchObject({ state: 'open', owner_email: users.csm.email });
    expect(await task(theirs)).toMatchObject({ state: 'open', owner_email: 'other@example.com' });
    expect(await t.store.value('SELECT count(*) FROM task_notes')).toBe(0);
    expect(await t.store.value("SELECT count(*) FROM audit_log WHERE target_type = 'task'")).toBe(0);
  });

  it('let a manager reassign a task to an active user, and act on anyone’s', async () => {
    as('manager');
    expect(await a.reassignTaskAction({ pk: theirs, owner: 'nobody@example.com' })).toMatchObject({ ok: false, fieldErrors: { owner: ['not an active user'] } });
    expect(await a.reassignTaskAction({ pk: theirs, owner: '' })).toMatchObject({ ok: false, fieldErrors: { owner: ['Choose a CSM'] } });
    expect(await a.reassignTaskAction({ pk: theirs, owner: users.csm.email })).toMatchObject({ ok: true });
    expect((await task(theirs))!.owner_email).toBe(users.csm.email);
    expect(await t.store.get("SELECT actor, action, details FROM audit_log WHERE target_type = 'task'")).toEqual({
      actor: users.manager.email, action: 'task.reassigned', details: JSON.stringify({ account: 'THEIRS', from: 'other@example.com', to: users.csm.email }),
    });
    // Given to the CSM, the task is now theirs to finish.
    as('csm');
    expect(await a.completeTaskAction({ pk: theirs })).toMatchObject({ ok: true });
  });

  it('let only admins set the daily budget', async () => {
    for (const role of ['csm', 'manager'] as const) {
      as(role);
      expect(await a.setMyDayBudgetAction({ budget: 5 })).toMatchObject({ ok: false, message: 'Your role does not allow this.' });
    }
    as('admin');
    expect(await a.setMyDayBudgetAction({ budget: 0 })).toMatchObject({ ok: false, fieldErrors: { budget: ['At least 1'] } });
    expect(await a.setMyDayBudgetAction({ budget: 'ten' })).toMatchObject({ ok: false, fieldErrors: { budget: [expect.any(String)] } });
    expect(await a.setMyDayBudgetAction({ budget: 5 })).toMatchObject({ ok: true });
    expect(await t.store.value("SELECT value FROM settings WHERE key = 'myDay.budget'")).toBe('5');
  });
});
