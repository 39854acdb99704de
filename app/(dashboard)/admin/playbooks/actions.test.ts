/**
 * Playbooks are changed by admins only: a CSM or a manager calling the actions directly is refused
 * before anything is written or run. An admin creates, changes and switches playbooks and runs
 * them at once. Session faked; database real, on each engine.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/roles';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { insertActionUser, type ActionUser } from '@/lib/testing/action-user';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | ActionUser }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const { runPlaybooksNowAction, savePlaybookAction, setPlaybookActiveAction } = await import('./actions');

const belowTarget = {
  key: 'below-target', name: 'Below the tier’s target', condition: { kind: 'below_target' }, steps: [{ title: 'Plan a value review', dueInDays: 7 }],
};

describeEngines('playbook actions', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    state.store = t.store;
    // One account under its tier's target, one above it.
    for (const [id, below] of [['LOW', 1], ['HIGH', 0]] as const) {
      const pk = (await t.store.value<number>("INSERT INTO accounts (id, name, tier, owner_email) VALUES (?, ?, 'nurture', 'ann@example.com') RETURNING pk", [id, id]))!;
      await t.store.run("INSERT INTO scores (account_pk, model_version, as_of, state, score, band, below_target, computed_at) VALUES (?, 1, 0, 'scored', ?, 'yellow', ?, 0)", [pk, below ? 50 : 70, below]);
    }
  });

  const signInAs = async (role: Role) => {
    state.user = await insertActionUser(t.store, role);
  };
  const count = (table: string) => t.store.value<number>(`SELECT count(*) FROM ${table}`);

  it.each(['csm', 'manager'] as const)('refuse a %s and change or run nothing', async (role) => {
    await t.store.run("INSERT INTO playbooks (key, name, condition, steps, created_at, updated_at) VALUES ('existing', 'Existing', '{\"kind\":\"below_target\"}', '[{\"title\":\"t\",\"dueInDays\":1}]', 0, 0)");
    await signInAs(role);
    const answers = await Promise.all([
      savePlaybookAction({ mode: 'create', playbook: belowTarget }),
      savePlaybookAction({ mode: 'edit', playbook: { ...belowTarget, key: 'existing' } }),
      setPlaybookActiveAction({ key: 'existing', active: false }),
      runPlaybooksNowAction({}),
    ]);
    for (const a of answers) expect(a).toMatchObject({ ok: false, message: 'Your role does not allow this.' });
    expect(await t.store.all('SELECT key, name, active FROM playbooks')).toEqual([{ key: 'existing', name: 'Existing', active: 1 }]);
    expect(await count('playbook_runs')).toBe(0);
    expect(await count('tasks')).toBe(0);
  });

  it('let an admin create a playbook, refusing a taken key or an empty step by its field', async () => {
    await signInAs('admin');
    expect(await savePlaybookAction({ mode: 'create', playbook: belowTarget })).toMatchObject({ ok: true, data: { created: true } });
    expect(await savePlaybookAction({ mode: 'create', playbook: { ...belowTarget, name: 'Another' } })).toMatchObject({ ok: false, fieldErrors: { key: [expect.stringContaining('taken')] } });
    expect(await savePlaybookAction({ mode: 'create', playbook: { ...belowTarget, key: 'other', steps: [{ title: ' ', dueInDays: 1 }] } })).toMatchObject({
      ok: false, fieldErrors: { 'steps[0].title': ['Enter what to do'] },
    });
    expect(await t.store.all('SELECT key, name FROM playbooks')).toEqual([{ key: 'below-target', name: 'Below the tier’s target' }]);
    expect(await t.store.column("SELECT action FROM audit_log WHERE target_type = 'playbook'")).toEqual(['playbook.created']);
  });

  it('let an admin change and switch a playbook, and run the playbooks at once', async () => {
    await signInAs('admin');
    await savePlaybookAction({ mode: 'create', playbook: belowTarget });
    expect(await savePlaybookAction({ mode: 'edit', playbook: { ...belowTarget, name: 'Under target' } })).toMatchObject({ ok: true, data: { created: false } });

    const ran = await runPlaybooksNowAction({});
    expect(ran).toMatchObject({ ok: true, data: { accounts: 2, runsStarted: 1, tasksCreated: 1, tasksClosed: 0 } });
    expect(await t.store.all('SELECT a.id, t.title, t.reason FROM tasks t JOIN accounts a ON a.pk = t.account_pk')).toEqual([
      { id: 'LOW', title: 'Plan a value review', reason: 'Created because the score 50.0 is under the nurture target of 55' },
    ]);

    expect(await setPlaybookActiveAction({ key: 'below-target', active: false })).toMatchObject({ ok: true, data: { active: false } });
    expect(await t.store.value("SELECT active FROM playbooks WHERE key = 'below-target'")).toBe(0);
    // Switched off: its run ends at the next run; the task it gave stays with its owner.
    expect(await runPlaybooksNowAction({})).toMatchObject({ ok: true, data: { runsEnded: 1, tasksClosed: 0 } });
    expect(await t.store.column('SELECT state FROM tasks')).toEqual(['open']);
    expect(await setPlaybookActiveAction({ key: 'nope', active: true })).toMatchObject({ ok: false, message: 'No playbook "nope"' });
    expect(await t.store.column("SELECT action FROM audit_log WHERE target_type = 'playbook' ORDER BY pk")).toEqual(['playbook.created', 'playbook.updated', 'playbook.deactivated']);
  });
});
