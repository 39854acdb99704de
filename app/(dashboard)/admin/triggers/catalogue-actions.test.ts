/** The catalogue actions refuse non-admins; for admins they keep keys and history. Session faked, database real. */
import { beforeEach, expect, it, vi } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import type { Role } from '@/lib/roles';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { ingestEvents } from '@/lib/server/commands/events';
import { insertActionUser } from '@/lib/testing/action-user';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | { pk: number; email: string; name: string | null; role: Role } }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const a = await import('./catalogue-actions');

describeEngines('catalogue actions', (t) => {
  const one = (sql: string) => t.store.get(sql);

  beforeEach(async () => {
    await prepareDatabase(t.store);
    state.store = t.store;
  });

  async function signInAs(role: Role) {
    state.user = await insertActionUser(t.store, role);
  }

  it.each(['csm', 'manager'] as const)('refuse a %s and change nothing', async (role) => {
    await signInAs(role);
    const answers = await Promise.all([
      a.createTriggerAction({ key: 'webinar.attended', label: 'Webinar' }),
      a.renameTriggerAction({ key: 'meeting.held', label: 'Renamed' }),
      a.retireTriggerAction({ key: 'meeting.held' }),
      a.restoreTriggerAction({ key: 'meeting.held' }),
      a.createFeatureAction({ key: 'reports', label: 'Reports', tier: 'core' }),
      a.updateFeatureAction({ key: 'reports', label: 'Reports', tier: 'basic' }),
      a.retireFeatureAction({ key: 'reports' }),
      a.restoreFeatureAction({ key: 'reports' }),
    ]);
    for (const answer of answers) expect(answer).toMatchObject({ ok: false, message: 'Your role does not allow this.' });
    expect(await one("SELECT label, retired_at FROM triggers WHERE key = 'meeting.held'")).toMatchObject({ retired_at: null });
    expect(await one("SELECT 1 FROM triggers WHERE key = 'webinar.attended'")).toBeUndefined();
  });

  it('let an admin create, rename and retire a trigger without losing its events', async () => {
    await signInAs('admin');
    expect(await a.createTriggerAction({ key: 'webinar.attended', label: 'Webinar' })).toMatchObject({ ok: true });
    expect(await a.createTriggerAction({ key: 'webinar.attended', label: 'Again' })).toMatchObject({ ok: false, fieldErrors: { key: [expect.stringContaining('taken')] } });
    expect(await a.createTriggerAction({ key: 'Bad Key', label: 'x' })).toMatchObject({ ok: false, fieldErrors: { key: [expect.any(String)] } });
    await upsertAccounts(t.store, [{ id: 'acme', name: 'Acme' }]);
    await ingestEvents(t.store, [eventSchema.parse({ accountId: 'acme', type: 'webinar.attended', occurredAt: new Date().toISOString() })]);
    expect(await a.renameTriggerAction({ key: 'webinar.attended', label: 'Webinar attended' })).toMatchObject({ ok: true });
    expect(await a.retireTriggerAction({ key: 'webinar.attended' })).toMatchObject({ ok: true });
    expect(await one("SELECT label FROM triggers WHERE key = 'webinar.attended'")).toEqual({ label: 'Webinar attended' });
    expect(await one("SELECT count(*) AS n FROM events WHERE type = 'webinar.attended'")).toEqual({ n: 1 });
    await expect(async () => ingestEvents(t.store, [eventSchema.parse({ accountId: 'acme', type: 'webinar.attended', occurredAt: new Date().toISOString() })])).rejects.toThrow();
    expect(await a.restoreTriggerAction({ key: 'webinar.attended' })).toMatchObject({ ok: true });
    const actions = await t.store.column("SELECT action FROM audit_log WHERE target_type = 'trigger' ORDER BY pk");
    expect(actions).toEqual(['trigger.created', 'trigger.renamed', 'trigger.retired', 'trigger.restored']);
  });

  it('let an admin add, re-tier and retire a feature, recomputing scores', async () => {
    await signInAs('admin');
    const created = await a.createFeatureAction({ key: 'reports', label: 'Reports', tier: 'core' });
    expect(created).toMatchObject({ ok: true, data: { job: expect.any(Number) } });
    expect(await a.updateFeatureAction({ key: 'reports', label: 'Reports', tier: 'sideways' })).toMatchObject({ ok: false, fieldErrors: { tier: [expect.any(String)] } });
    expect(await a.updateFeatureAction({ key: 'reports', label: 'Reporting', tier: 'basic' })).toMatchObject({ ok: true });
    expect(await a.retireFeatureAction({ key: 'reports' })).toMatchObject({ ok: true });
    expect(await one("SELECT label, tier, CASE WHEN retired_at IS NOT NULL THEN 1 ELSE 0 END AS retired FROM features WHERE key = 'reports'")).toEqual({ label: 'Reporting', tier: 'basic', retired: 1 });
    await vi.waitFor(async () => expect(await one("SELECT count(*) AS n FROM jobs WHERE status = 'running'")).toEqual({ n: 0 }));
  });
});
