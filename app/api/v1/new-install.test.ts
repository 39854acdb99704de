/**
 * A new install set up by a script with nothing but an admin API key: the catalogue (triggers,
 * features, the event names a Segment source sends), a model reading the new triggers, then
 * accounts and events, from the REST API and a Segment `track` under its own name, accepted and
 * scored with that model. Route handlers called as Next.js calls them; a real database on each engine.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { DEFAULT_MODEL } from '@/lib/scoring';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { callRoute, type RouteCall, type RouteHandler } from '@/lib/testing/api-route';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const routes = {
  triggers: await import('./triggers/route'),
  features: await import('./features/route'),
  aliases: await import('./trigger-aliases/route'),
  model: await import('./model/route'),
  accounts: await import('./accounts/route'),
  account: await import('./accounts/[id]/route'),
  events: await import('./events/route'),
  jobs: await import('./jobs/[id]/route'),
  segment: await import('../segment/v1/[call]/route'),
};

const yesterday = new Date(Date.now() - 86_400_000).toISOString();

const MODEL = {
  windowDays: 30,
  dimensions: [
    { key: 'engagement', label: 'Engagement', weight: 50, measures: [
      { key: 'webinars', label: 'Webinars attended', kind: 'count', event: 'webinar.attended', points: 10, cap: 30 },
      { key: 'demos', label: 'Demos requested', kind: 'count', event: 'demo.requested', points: 5, cap: 20 },
    ] },
    { key: 'product', label: 'Product', weight: 50, measures: [{ key: 'adoption', label: 'Feature adoption', kind: 'adoption', event: 'feature.used' }] },
  ],
  bands: DEFAULT_MODEL.bands,
};

describeEngines('setting up a new install with an admin API key only', (t) => {
  let key = '';
  // What a script would write: one call per step, the answer checked before the next.
  const call = <P>(handler: RouteHandler<P>, c: RouteCall<P>) => callRoute(handler, { key, ...c });

  beforeEach(async () => {
    // What the app does when it starts on an empty database; then `npm run apikey -- create --scope admin`.
    state.store = await prepareDatabase(t.store);
    key = (await createApiKey(t.store, { name: 'Setup script', scope: 'admin' }, { actor: 'cli' })).key;
  });

  it('defines the catalogue and the model, then events are accepted and scored with it', async () => {
    expect((await call(routes.triggers.POST, { path: '/api/v1/triggers', body: [
      { key: 'webinar.attended', label: 'Webinar attended', description: 'A customer attended a webinar' },
      { key: 'demo.requested', label: 'Demo requested' },
    ] })).body).toEqual({ upserted: 2 });
    const features = await call(routes.features.POST, { path: '/api/v1/features', body: [{ key: 'reports', label: 'Reports', tier: 'core' }, { key: 'exports', label: 'Exports', tier: 'basic' }] });
    expect(features.body).toEqual({ upserted: 2, job: { id: expect.any(String) } });
    expect((await call(routes.jobs.GET, { path: `/api/v1/jobs/${features.body.job.id}`, params: { id: features.body.job.id } })).body).toMatchObject({ state: 'done', error: null });
    expect((await call(routes.aliases.POST, { path: '/api/v1/trigger-aliases', body: [{ name: 'Webinar Attended', trigger: 'webinar.attended' }] })).body).toEqual({ upserted: 1 });

    // A typo in the model is refused with its path; the corrected model is published.
    const typo = structuredClone(MODEL);
    typo.dimensions[0]!.measures[1]!.event = 'demo.requsted';
    const refused = await call(routes.model.PUT, { path: '/api/v1/model', method: 'PUT', body: { model: typo, note: 'first model' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ path: 'dimensions[0].measures[1].event', message: expect.stringContaining('no trigger "demo.requsted"') }]);
    const published = await call(routes.model.PUT, { path: '/api/v1/model', method: 'PUT', body: { model: MODEL, note: 'first model' } });
    expect(published.status).toBe(200); // no accounts yet: nothing to recompute
    expect(published.body).toMatchObject({ version: 2, author: 'apikey:Setup script', job: { id: expect.any(String) } });

    expect((await call(routes.accounts.POST, { path: '/api/v1/accounts', body: [{ id: 'acme', name: 'Acme Inc', tier: 'growth' }] })).body).toEqual({ upserted: 1 });
    expect((await call(routes.events.POST, { path: '/api/v1/events', body: [
      { id: 'w-1', accountId: 'acme', type: 'webinar.attended', occurredAt: yesterday },
      { id: 'd-1', accountId: 'acme', type: 'demo.requested', occurredAt: yesterday },
      { id: 'f-1', accountId: 'acme', type: 'feature.used', occurredAt: yesterday, properties: { feature: 'reports' } },
    ] })).body).toEqual({ accepted: 3, duplicates: 0 });
    // A Segment source sends its own event name; the admin key is the write key.
    const track = await callRoute(routes.segment.POST, {
      path: '/api/segment/v1/track', basic: key, params: { call: 'track' },
      body: { userId: 'u-42', event: 'Webinar Attended', context: { groupId: 'acme' }, messageId: 'seg-1', timestamp: yesterday },
    });
    expect(track).toMatchObject({ status: 200, body: { success: true, events: 1, skipped: [] } });
    expect(await t.store.all("SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type")).toEqual([
      { type: 'demo.requested', n: 1 }, { type: 'feature.used', n: 1 }, { type: 'webinar.attended', n: 2 },
    ]);

    // Engagement: 2 webinars x 10 + 1 demo x 5 = 25 of 50 -> 50; product: reports (core, 2) of
    // core + basic (3) -> 66.67; score 0.5 x 50 + 0.5 x 66.67 = 58.3, orange.
    await vi.waitFor(async () => {
      const listed = await call(routes.accounts.GET, { path: '/api/v1/accounts?q=acme' });
      expect(listed.body.data).toEqual([expect.objectContaining({ id: 'acme', score: 58.3, band: 'orange', dimensions: { engagement: 50, product: 66.67 } })]);
    }, { timeout: 30_000, interval: 50 });
    const account = await call(routes.account.GET, { path: '/api/v1/accounts/acme', params: { id: 'acme' } });
    expect(account.body).toMatchObject({ id: 'acme', modelVersion: 2, score: 58.3, state: 'scored' });
    const webinars = account.body.dimensions[0].measures[0];
    expect(webinars).toMatchObject({ key: 'webinars', points: 20, inputs: { n: 2 } });
  });
});
