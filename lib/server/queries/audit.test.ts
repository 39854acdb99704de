/** The audit log's filters and pages, on both engines. */
import { beforeEach, expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { auditActions, listAudit } from './audit';

describeEngines('the audit log', (t) => {
  beforeEach(async () => {
    const rows: [string, string, number][] = [
      ['Admin@Example.com', 'user.created', 1000],
      ['admin@example.com', 'user.role_changed', 2000],
      ['ops\\bot', 'apikey.created', 3000],
      ['x_y@example.com', 'model.published', 4000],
      ['admin@example.com', 'user_extra', 5000],
    ];
    for (const [actor, action, at] of rows) await t.store.run('INSERT INTO audit_log (actor, action, at, details) VALUES (?, ?, ?, ?)', [actor, action, at, JSON.stringify({ at })]);
  });

  const actions = async (filters: Parameters<typeof listAudit>[1]) => (await listAudit(t.store, filters)).entries.map((e) => e.action);

  it('filters by action prefix and a part of the actor, without regard to case; wildcards typed are dropped, a backslash is itself', async () => {
    expect(await actions({ action: 'USER.' })).toEqual(['user.role_changed', 'user.created']);
    expect(await actions({ action: 'user_' })).toEqual(['user_extra', 'user.role_changed', 'user.created']);
    expect(await actions({ actor: 'ADMIN@' })).toEqual(['user_extra', 'user.role_changed', 'user.created']);
    expect(await actions({ actor: 's\\b' })).toEqual(['apikey.created']);
    expect(await actions({ actor: 'x_y' })).toEqual([]);
    expect(await actions({ actor: '%example' })).toEqual(['user_extra', 'model.published', 'user.role_changed', 'user.created']);
    expect(await actions({ from: 2000, to: 4000 })).toEqual(['apikey.created', 'user.role_changed']);
  });

  it('pages newest first, and lists the actions there are', async () => {
    const first = await listAudit(t.store, { limit: 2 });
    expect(first.entries.map((e) => e.details)).toEqual([{ at: 5000 }, { at: 4000 }]);
    const second = await listAudit(t.store, { limit: 2, before: first.nextBefore! });
    expect(second.entries.map((e) => e.at)).toEqual([new Date(3000).toISOString(), new Date(2000).toISOString()]);
    expect((await listAudit(t.store, { limit: 2, before: second.nextBefore! })).nextBefore).toBeNull();
    expect(await auditActions(t.store)).toEqual(['apikey.created', 'model.published', 'user.created', 'user.role_changed', 'user_extra']);
  });
});
