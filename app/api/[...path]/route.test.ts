/**
 * Unknown API paths answer 404 and methods a route lacks 405, both in the API's JSON error shape;
 * a route's own methods still answer (its exports shadow the 405s it re-exports). Next's routing
 * (this catch-all never shadows a real route) is checked against a real server in e2e/operations.spec.ts.
 */
import { NextRequest } from 'next/server';
import { beforeEach, expect, it, vi } from 'vitest';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const catchAll = await import('./route');
const model = await import('../v1/model/route');
const segment = await import('../segment/v1/[call]/route');

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Handler = (request: NextRequest, context: { params: Promise<Record<string, unknown>> }) => Promise<Response> | Response;

function call(handler: Handler, method: string, url: string, headers: Record<string, string> = {}, params: Record<string, unknown> = {}) {
  const body = method === 'GET' || method === 'OPTIONS' ? undefined : '[]';
  return handler(new NextRequest(url, { method, headers, body }), { params: Promise.resolve(params) });
}

describeEngines('unknown API paths and methods', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    state.store = t.store;
  });

  it.each(['/api/nope', '/api/v1/nope', '/api/v1/accounts/acme/nope', '/api/app/nothing/here'])('answer 404 JSON at %s for every method', async (path) => {
    for (const method of METHODS) {
      const res = await call(catchAll[method] as Handler, method, `http://localhost${path}?x=1`, {}, { path: path.split('/').slice(2) });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      expect(body).toEqual({ error: { code: 'not_found', message: expect.stringContaining(`${method} ${path};`) } });
    }
  });

  it('answer 405 JSON for a method the route does not have, and the route for its own', async () => {
    const { key } = await createApiKey(t.store, { name: 'methods test', scope: 'admin' }, { actor: 'test' });
    const auth = { authorization: `Bearer ${key}` };
    for (const method of ['POST', 'PATCH', 'DELETE'] as const) {
      const res = await call(model[method] as Handler, method, 'http://localhost/api/v1/model', auth);
      expect(res.status).toBe(405);
      expect(await res.json()).toEqual({ error: { code: 'method_not_allowed', message: `${method} is not a method of /api/v1/model; see /api/v1/openapi.json` } });
    }
    const live = await call(model.GET as Handler, 'GET', 'http://localhost/api/v1/model', auth);
    expect(live.status).toBe(200);
    expect((await live.json()).version).toBe(1);
    // PUT is the route's own: an empty list is not a model (400), not a 405.
    expect((await call(model.PUT as Handler, 'PUT', 'http://localhost/api/v1/model', auth)).status).toBe(400);
    const get = await call(segment.GET as Handler, 'GET', 'http://localhost/api/segment/v1/track', {}, { call: 'track' });
    expect(get.status).toBe(405);
    expect((await get.json()).error.code).toBe('method_not_allowed');
    // Without a key, the route's own method asks for one.
    expect((await call(segment.POST as Handler, 'POST', 'http://localhost/api/segment/v1/track', {}, { call: 'track' })).status).toBe(401);
  });
});
