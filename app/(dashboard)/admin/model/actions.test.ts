/**
 * Server actions are public POST endpoints: called directly, they must refuse anyone but an
 * admin before doing anything. The session is faked; the database is real, on each engine.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/roles';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { insertActionUser } from '@/lib/testing/action-user';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown, user: null as null | { pk: number; email: string; name: string | null; role: Role } }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));
vi.mock('@/lib/server/session', () => ({ getCurrentUser: async () => state.user }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const { discardDraftAction, publishAction, rollbackAction, saveDraftAction, suggestWeightsAction } = await import('./actions');

const model = JSON.stringify({ ...DEFAULT_MODEL, windowDays: 28 });

describeEngines('model editor actions', (t) => {
  const count = (table: string) => t.store.value<number>(`SELECT count(*) FROM ${table}`);

  beforeEach(async () => {
    await prepareDatabase(t.store);
    state.store = t.store;
  });

  async function signInAs(role: Role) {
    state.user = await insertActionUser(t.store, role);
  }

  it.each(['csm', 'manager'] as const)('refuse a %s and write nothing', async (role) => {
    await signInAs(role);
    const answers = await Promise.all([
      saveDraftAction({ model }),
      discardDraftAction({}),
      publishAction({ model, note: 'try' }),
      rollbackAction({ version: 1, note: 'try' }),
      suggestWeightsAction({}),
    ]);
    for (const a of answers) expect(a).toMatchObject({ ok: false, message: 'Your role does not allow this.' });
    expect(await count('model_drafts')).toBe(0);
    expect(await count('model_versions')).toBe(1);
  });

  it('refuse anyone signed out', async () => {
    state.user = null;
    expect(await publishAction({ model, note: 'x' })).toMatchObject({ ok: false });
    expect(await count('model_versions')).toBe(1);
  });

  it('let an admin save a draft, with the paths of what is wrong in it', async () => {
    await signInAs('admin');
    const saved = await saveDraftAction({ model: JSON.stringify({ ...DEFAULT_MODEL, windowDays: 0 }) });
    expect(saved.ok && saved.data.errors.map((e) => e.path)).toEqual(['windowDays']);
    expect(await count('model_drafts')).toBe(1);
    expect(await saveDraftAction({ model: '{ not json' })).toMatchObject({ ok: false, fieldErrors: { model: [expect.any(String)] } });
  });

  it('refuse to publish a model reading a trigger the catalogue does not have, naming its field', async () => {
    await signInAs('admin');
    const typo = structuredClone(DEFAULT_MODEL);
    Object.assign(typo.dimensions[0]!.measures[1]!, { event: 'email.exchnged' });
    const text = JSON.stringify(typo);
    const saved = await saveDraftAction({ model: text });
    expect(saved.ok && saved.data.errors).toEqual([{ path: 'dimensions[0].measures[1].event', message: expect.stringContaining('no trigger "email.exchnged" in the catalogue') }]);
    const refused = await publishAction({ model: text, note: 'Typo' });
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('not in the catalogue'), fieldErrors: { 'dimensions[0].measures[1].event': [expect.stringContaining('no trigger "email.exchnged"')] } });
    expect(await count('model_versions')).toBe(1);
  });

  it('let an admin publish and roll back, each a new version with a note', async () => {
    await signInAs('admin');
    expect(await publishAction({ model, note: '  ' })).toMatchObject({ ok: false, fieldErrors: { note: ['say what changed and why'] } });
    const published = await publishAction({ model, note: 'Shorter window' });
    expect(published).toMatchObject({ ok: true, data: { version: 2 } });
    const back = await rollbackAction({ version: 1, note: 'Back to the default' });
    expect(back).toMatchObject({ ok: true, data: { version: 3 } });
    const rows = await t.store.all('SELECT version, author, note, rollback_of FROM model_versions ORDER BY version');
    expect(rows.slice(1)).toEqual([
      { version: 2, author: 'admin@example.com', note: 'Shorter window', rollback_of: null },
      { version: 3, author: 'admin@example.com', note: 'Back to the default', rollback_of: 1 },
    ]);
    expect(await t.store.column("SELECT action FROM audit_log WHERE target_type = 'model' ORDER BY pk")).toEqual(['model.published', 'model.rollback']);
    // Let the background recomputation finish before the database is removed.
    await vi.waitFor(async () => expect(await t.store.value("SELECT count(*) FROM jobs WHERE status = 'running'")).toBe(0));
  });
});
