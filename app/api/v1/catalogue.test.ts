/**
 * The catalogue API (triggers, features, event-name mappings) through its route handlers, on a
 * real database on each engine: scopes, upserts with the Triggers page's commands (same checks,
 * audit entries, effects), atomic batches that list every bad item, limits, hostile names.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { describeEngines } from '@/lib/testing/engines';
import { callRoute, type RouteHandler } from '@/lib/testing/api-route';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const triggers = await import('./triggers/route');
const features = await import('./features/route');
const aliases = await import('./trigger-aliases/route');
const events = await import('./events/route');
const accounts = await import('./accounts/route');
const jobs = await import('./jobs/[id]/route');

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString();

describeEngines('the catalogue API', (t) => {
  const keys = { read: '', ingest: '', admin: '' };
  const audit = () => t.store.all<{ actor: string; action: string; target_id: string }>("SELECT actor, action, target_id FROM audit_log WHERE action NOT LIKE 'apikey.%' ORDER BY pk");
  const post = (route: { POST: RouteHandler }, path: string, body: unknown, key = keys.admin) => callRoute(route.POST, { path, body, key });
  const get = (route: { GET: RouteHandler }, path: string, key = keys.read) => callRoute(route.GET, { path, key });

  beforeEach(async () => {
    state.store = await prepareDatabase(t.store);
    for (const scope of ['read', 'ingest', 'admin'] as const) keys[scope] = (await createApiKey(t.store, { name: `Setup ${scope}`, scope }, { actor: 'cli' })).key;
  });

  it('lists the catalogues to read keys, and lets only admin keys change them', async () => {
    const listed = await get(triggers, '/api/v1/triggers');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toContainEqual({ key: 'meeting.held', label: 'Meeting held', description: 'A CSM call or meeting took place', retired: false });
    expect(await get(features, '/api/v1/features')).toEqual({ status: 200, body: { data: [] } });
    expect(await get(aliases, '/api/v1/trigger-aliases')).toEqual({ status: 200, body: { data: [] } });
    expect((await get(triggers, '/api/v1/triggers', '')).status).toBe(401);
    expect((await get(triggers, '/api/v1/triggers', keys.ingest)).status).toBe(403);
    for (const key of [keys.read, keys.ingest]) {
      expect((await post(triggers, '/api/v1/triggers', [{ key: 'webinar.attended', label: 'Webinar' }], key)).status).toBe(403);
      expect((await post(features, '/api/v1/features', [{ key: 'reports', label: 'Reports', tier: 'core' }], key)).status).toBe(403);
      expect((await post(aliases, '/api/v1/trigger-aliases', [{ name: 'Webinar', trigger: 'meeting.held' }], key)).status).toBe(403);
    }
    expect(await t.store.value("SELECT count(*) FROM triggers WHERE key = 'webinar.attended'")).toBe(0);
    expect(await audit()).toEqual([]);
  });

  it('creates, renames, describes, retires and restores triggers by key, audited, keeping their events', async () => {
    const created = await post(triggers, '/api/v1/triggers', [{ key: 'webinar.attended', label: 'Webinar', description: 'A webinar' }, { key: 'demo.requested', label: 'Demo requested' }]);
    expect(created).toEqual({ status: 200, body: { upserted: 2 } });
    expect((await post(accounts, '/api/v1/accounts', [{ id: 'acme', name: 'Acme' }], keys.ingest)).status).toBe(200);
    expect((await post(events, '/api/v1/events', [{ accountId: 'acme', type: 'webinar.attended', occurredAt: yesterday() }], keys.ingest)).body).toEqual({ accepted: 1, duplicates: 0 });

    const changed = await post(triggers, '/api/v1/triggers', [
      { key: 'webinar.attended', label: 'Webinar attended', retired: true },
      { key: 'demo.requested', label: 'Demo requested', description: 'Asked for a demo' },
      { key: 'meeting.held', label: 'Meeting held', description: 'A CSM call or meeting took place' },
    ]);
    expect(changed).toEqual({ status: 200, body: { upserted: 3 } });
    const listed = (await get(triggers, '/api/v1/triggers')).body.data;
    expect(listed.at(-1)).toEqual({ key: 'webinar.attended', label: 'Webinar attended', description: 'A webinar', retired: true });
    expect(listed).toContainEqual({ key: 'demo.requested', label: 'Demo requested', description: 'Asked for a demo', retired: false });
    // Retired: the event is kept, new ones are refused.
    expect(await t.store.value("SELECT count(*) FROM events WHERE type = 'webinar.attended'")).toBe(1);
    const refused = await post(events, '/api/v1/events', [{ accountId: 'acme', type: 'webinar.attended', occurredAt: yesterday() }], keys.ingest);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ index: 0, path: 'type', message: expect.stringContaining('unknown trigger') }]);

    // The same batch again changes nothing and records nothing; retired: false restores.
    const before = (await audit()).length;
    expect((await post(triggers, '/api/v1/triggers', [{ key: 'webinar.attended', label: 'Webinar attended', retired: true }])).status).toBe(200);
    expect((await audit()).length).toBe(before);
    expect((await post(triggers, '/api/v1/triggers', [{ key: 'webinar.attended', label: 'Webinar attended', retired: false }])).status).toBe(200);
    expect((await post(events, '/api/v1/events', [{ accountId: 'acme', type: 'webinar.attended', occurredAt: yesterday() }], keys.ingest)).status).toBe(200);

    expect(await audit()).toEqual([
      { actor: 'apikey:Setup admin', action: 'trigger.created', target_id: 'webinar.attended' },
      { actor: 'apikey:Setup admin', action: 'trigger.created', target_id: 'demo.requested' },
      { actor: 'apikey:Setup admin', action: 'trigger.renamed', target_id: 'webinar.attended' },
      { actor: 'apikey:Setup admin', action: 'trigger.retired', target_id: 'webinar.attended' },
      { actor: 'apikey:Setup admin', action: 'trigger.updated', target_id: 'demo.requested' },
      { actor: 'apikey:Setup admin', action: 'trigger.restored', target_id: 'webinar.attended' },
    ]);
  });

  it('writes nothing of a batch with a bad item, and lists every bad item with its index and field', async () => {
    await post(aliases, '/api/v1/trigger-aliases', [{ name: 'meeting.done', trigger: 'meeting.held' }]);
    const before = await audit();
    const answer = await post(triggers, '/api/v1/triggers', [
      { key: 'webinar.attended', label: 'Webinar' },
      { key: 'Bad Key', label: 'x' },
      { key: 'ok.one', label: 'One', colour: 'red' },
      { key: 'webinar.attended', label: 'Again' },
      { key: 'meeting.done', label: 'Mapped name' },
      { key: 'meeting.held', label: '' },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid', message: expect.stringContaining('nothing was written') });
    const details: { index: number; path: string }[] = answer.body.error.details;
    expect(details.map((d) => [d.index, d.path])).toEqual([[1, 'key'], [2, '(item)'], [5, 'label']]);
    // Past the schema: a key repeated in the batch, a key that is a mapped event name.
    const second = await post(triggers, '/api/v1/triggers', [{ key: 'webinar.attended', label: 'Webinar' }, { key: 'webinar.attended', label: 'Again' }, { key: 'meeting.done', label: 'Mapped name' }]);
    expect(second.status).toBe(400);
    expect(second.body.error.details).toEqual([
      { index: 1, path: 'key', message: 'duplicate of item 0 in this batch' },
      { index: 2, path: 'key', message: expect.stringContaining('maps this to another trigger') },
    ]);
    expect(await t.store.value("SELECT count(*) FROM triggers WHERE key IN ('webinar.attended', 'ok.one')")).toBe(0);
    expect(await audit()).toEqual(before);
  });

  it('bounds batches: size, items and emptiness', async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ key: `t${i}`, label: `T ${i}` }));
    const tooMany = await post(triggers, '/api/v1/triggers', many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('At most 500 items');
    expect((await post(triggers, '/api/v1/triggers', many.slice(0, 500))).body).toEqual({ upserted: 500 });
    const huge = await post(features, '/api/v1/features', [{ key: 'x', label: 'x'.repeat(1024 * 1024), tier: 'core' }]);
    expect(huge.status).toBe(413);
    expect((await post(aliases, '/api/v1/trigger-aliases', [])).status).toBe(400);
    expect((await post(aliases, '/api/v1/trigger-aliases', { name: 'x', trigger: 'meeting.held' })).status).toBe(400);
  });

  it('takes hostile names as plain names', async () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    expect((await post(aliases, '/api/v1/trigger-aliases', names.map((name) => ({ name, trigger: 'meeting.held' })))).body).toEqual({ upserted: 4 });
    expect((await post(triggers, '/api/v1/triggers', [{ key: 'constructor', label: 'C' }])).status).toBe(400); // a mapped name
    expect((await post(features, '/api/v1/features', [{ key: 'constructor', label: 'Constructor', tier: 'core' }, { key: 'tostring', label: 'x', tier: 'basic' }])).status).toBe(200);
    expect((await get(aliases, '/api/v1/trigger-aliases')).body.data.map((a: { name: string }) => a.name).sort()).toEqual([...names].sort());
    expect((await get(features, '/api/v1/features')).body.data.map((f: { key: string }) => f.key)).toEqual(['constructor', 'tostring']);
    const odd = await post(triggers, '/api/v1/triggers', JSON.parse('[{"key":"p.one","label":"P","__proto__":{"retired":true}}]'));
    expect(odd.status).toBe(400);
    expect(odd.body.error.details[0]).toMatchObject({ index: 0, message: expect.stringContaining('__proto__') });
  });

  it('creates, re-tiers and retires features, recomputing scores when adoption changes', async () => {
    const created = await post(features, '/api/v1/features', [{ key: 'reports', label: 'Reports', tier: 'core' }, { key: 'exports', label: 'Exports', tier: 'basic' }]);
    expect(created).toEqual({ status: 200, body: { upserted: 2, job: { id: expect.any(String) } } });
    expect((await callRoute(jobs.GET, { path: `/api/v1/jobs/${created.body.job.id}`, key: keys.read, params: { id: created.body.job.id } })).body).toMatchObject({ kind: 'model.publish', state: 'done', progress: 1 });
    // A label only: nothing that scores changed.
    expect((await post(features, '/api/v1/features', [{ key: 'reports', label: 'Reporting', tier: 'core' }])).body).toEqual({ upserted: 1, job: null });
    const bad = await post(features, '/api/v1/features', [{ key: 'reports', label: 'Reports', tier: 'sideways' }, { key: 'x', tier: 'core' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { index: number; path: string }) => [d.index, d.path])).toEqual([[0, 'tier'], [1, 'label']]);
    expect((await post(features, '/api/v1/features', [{ key: 'exports', label: 'Exports', tier: 'advanced', retired: true }])).body).toEqual({ upserted: 1, job: { id: expect.any(String) } });
    expect((await get(features, '/api/v1/features')).body.data).toEqual([
      { key: 'reports', label: 'Reporting', tier: 'core', retired: false },
      { key: 'exports', label: 'Exports', tier: 'advanced', retired: true },
    ]);
    expect((await audit()).map((a) => a.action)).toEqual(['feature.created', 'feature.created', 'feature.updated', 'feature.updated', 'feature.retired']);
  });

  it('maps incoming event names to triggers, and events with those names are recorded as the trigger', async () => {
    expect((await post(aliases, '/api/v1/trigger-aliases', [{ name: 'Meeting Completed', trigger: 'support.interaction' }])).body).toEqual({ upserted: 1 });
    expect((await post(aliases, '/api/v1/trigger-aliases', [{ name: ' Meeting Completed ', trigger: 'meeting.held' }])).body).toEqual({ upserted: 1 });
    expect((await get(aliases, '/api/v1/trigger-aliases')).body.data).toEqual([{ name: 'Meeting Completed', trigger: 'meeting.held' }]);
    await post(triggers, '/api/v1/triggers', [{ key: 'old.signal', label: 'Old', retired: true }]);
    const bad = await post(aliases, '/api/v1/trigger-aliases', [
      { name: 'Fine Name', trigger: 'product.login' },
      { name: 'Old Signal', trigger: 'old.signal' },
      { name: 'meeting.held', trigger: 'product.login' },
      { name: 'Nowhere', trigger: 'no.such' },
      { name: 'Fine Name', trigger: 'meeting.held' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { index: number; path: string }) => [d.index, d.path])).toEqual([[1, 'trigger'], [2, 'name'], [3, 'trigger'], [4, 'name']]);
    const control = await post(aliases, '/api/v1/trigger-aliases', [{ name: 'Fine Name', trigger: 'product.login' }, { name: 'Bad\u0007Name', trigger: 'product.login' }]);
    expect(control.body.error.details).toEqual([{ index: 1, path: 'name', message: 'Must not contain control characters' }]);
    expect(await t.store.value("SELECT count(*) FROM trigger_aliases WHERE name = 'Fine Name'")).toBe(0);

    await post(accounts, '/api/v1/accounts', [{ id: 'acme', name: 'Acme' }], keys.ingest);
    expect((await post(events, '/api/v1/events', [{ accountId: 'acme', type: 'Meeting Completed', occurredAt: yesterday() }], keys.ingest)).body).toEqual({ accepted: 1, duplicates: 0 });
    expect(await t.store.column('SELECT type FROM events')).toEqual(['meeting.held']);
    expect((await audit()).map((a) => a.action)).toEqual(['trigger_alias.added', 'trigger_alias.added', 'trigger.created', 'trigger.retired']);
  });
});
