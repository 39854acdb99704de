/**
 * The request observer on a real Node HTTP server (the one `next start` runs is the same kind):
 * request ids in and out, one log line per request, and metrics labelled by route template.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { samples, sample } from '@/lib/testing/prometheus';
import { observeHttpServer } from './http-observer';
import { logger } from './log';
import { renderMetrics } from './metrics';
import { appRoutes, loadRouteTable, routeLabel, routeTable, UNMATCHED } from './route-label';

/** Part of a routes manifest as `next build` writes it: static routes, then dynamic ones in the order Next tries them. */
const MANIFEST = {
  staticRoutes: [{ page: '/' }, { page: '/accounts' }, { page: '/api/health' }, { page: '/api/v1/accounts' }],
  dynamicRoutes: [
    { page: '/accounts/[id]', regex: '^/accounts/([^/]+?)(?:/)?$' },
    { page: '/api/v1/accounts/[id]', regex: '^/api/v1/accounts/([^/]+?)(?:/)?$' },
    { page: '/api/v1/accounts/[id]/history', regex: '^/api/v1/accounts/([^/]+?)/history(?:/)?$' },
    { page: '/api/[...path]', regex: '^/api/(.+?)(?:/)?$' },
  ],
};
const TABLE = routeTable(MANIFEST, ['/favicon.ico', '/robots.txt']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('route labels', () => {
  it.each([
    ['/accounts/acme?tab=flags', '/accounts/[id]'],
    ['/accounts/', '/accounts'],
    ['/accounts', '/accounts'],
    ['/', '/'],
    ['/api/v1/accounts/a%2Fb/history', '/api/v1/accounts/[id]/history'],
    ['/api/v1/accounts/acme', '/api/v1/accounts/[id]'],
    ['/api/v1/nope/at/all', '/api/[...path]'],
    ['/accounts.rsc', '/accounts'],
    ['/index.rsc', '/'],
    ['/accounts/acme.segments/$c$children/__PAGE__.segment.rsc', '/accounts/[id]'],
    ['/_next/static/chunks/app-123.js', '/_next/static/[...path]'],
    ['/_next/image?url=x', '/_next/image'],
    ['/favicon.ico', '/favicon.ico'],
    ['/no/such/page', UNMATCHED],
    ['/x.rsc', UNMATCHED],
    ['http://evil.example/accounts/z', '/accounts/[id]'],
  ])('%s is %s', (url, label) => {
    expect(routeLabel(TABLE, url)).toBe(label);
  });

  it("reads the build's manifest and the public files of an app folder", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-routes-'));
    try {
      expect(routeLabel(loadRouteTable(root), '/accounts/acme')).toBe(UNMATCHED);
      fs.mkdirSync(path.join(root, '.next'));
      fs.writeFileSync(path.join(root, '.next', 'routes-manifest.json'), JSON.stringify(MANIFEST));
      fs.mkdirSync(path.join(root, 'public', 'icons'), { recursive: true });
      fs.writeFileSync(path.join(root, 'public', 'robots.txt'), 'User-agent: *');
      fs.writeFileSync(path.join(root, 'public', 'icons', 'a.png'), '');
      const table = loadRouteTable(root);
      expect(routeLabel(table, '/accounts/acme')).toBe('/accounts/[id]');
      expect(routeLabel(table, '/robots.txt')).toBe('/robots.txt');
      expect(routeLabel(table, '/icons/a.png')).toBe('/icons/a.png');
      expect(routeLabel(table, '/icons/b.png')).toBe(UNMATCHED);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('without a build (a development server), reads the routes from the app folder, the most specific first', () => {
    const routes = appRoutes(path.resolve('app'));
    expect(routes.staticRoutes.map((r) => r.page)).toEqual(expect.arrayContaining(['/', '/login', '/accounts', '/api/health', '/api/metrics', '/api/v1/accounts']));
    // Route groups are no part of the URL; test files are no routes.
    expect([...routes.staticRoutes, ...routes.dynamicRoutes].map((r) => r.page).filter((p) => p.includes('(') || p.includes('.test'))).toEqual([]);
    const table = routeTable(routes);
    for (const [url, label] of [
      ['/accounts/acme', '/accounts/[id]'],
      ['/api/v1/accounts/acme', '/api/v1/accounts/[id]'],
      ['/api/v1/accounts/acme/history', '/api/v1/accounts/[id]/history'],
      ['/api/v1/accounts/acme/history/more', '/api/[...path]'],
      ['/api/auth/callback/credentials', '/api/auth/[...nextauth]'],
      ['/api/segment/v1/track', '/api/segment/v1/[call]'],
      ['/api/app/imports/runs/3/report', '/api/app/imports/runs/[pk]/report'],
      ['/api/app/imports/abc/check', '/api/app/imports/[token]/check'],
      ['/api/v1/nope', '/api/[...path]'],
      ['/api/metrics', '/api/metrics'],
      ['/admin/users', '/admin/users'],
      ['/nope', UNMATCHED],
    ]) {
      expect(routeLabel(table, url), url).toBe(label);
    }
  });
});

describeEngines('every request observed', (t) => {
  let server: http.Server;
  let base: string;
  let stop: () => void;

  beforeAll(async () => {
    stop = observeHttpServer({ routes: () => TABLE });
    // Answers with the request id it was given, as proxy.ts and the route handlers see it.
    server = http.createServer((req, res) => {
      const status = req.url?.startsWith('/api/v1/accounts/broken') ? 500 : 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(req.headers['x-request-id']));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    stop();
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function get(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${url}`, { headers });
    return { status: res.status, id: res.headers.get('x-request-id'), seen: await res.text() };
  }

  it('gives every request an id, on the request and the response, keeping a sane incoming one', async () => {
    const fresh = await get('/accounts');
    expect(fresh.id).toMatch(UUID);
    expect(fresh.seen).toBe(fresh.id);
    expect((await get('/accounts')).id).not.toBe(fresh.id);

    const kept = await get('/accounts', { 'x-request-id': 'edge-7f3a.42:b/c=d' });
    expect(kept).toMatchObject({ id: 'edge-7f3a.42:b/c=d', seen: 'edge-7f3a.42:b/c=d' });

    for (const bad of ['two words', 'x'.repeat(129), 'quote"d', 'line\\nbreak', '<script>', '']) {
      const replaced = await get('/accounts', { 'x-request-id': bad });
      expect(replaced.id).toMatch(UUID);
      expect(replaced.seen).toBe(replaced.id);
    }
  });

  it('logs one line per request with its id, method, route template, status and duration', async () => {
    const info = vi.spyOn(logger, 'info');
    const error = vi.spyOn(logger, 'error');
    const ok = await get('/accounts/acme-corp?tab=1', { 'x-request-id': 'req-1' });
    const broken = await get('/api/v1/accounts/broken', { 'x-request-id': 'req-2' });
    expect([ok.status, broken.status]).toEqual([200, 500]);
    await vi.waitFor(() => expect(info.mock.calls.length + error.mock.calls.length).toBeGreaterThanOrEqual(2));
    expect(info).toHaveBeenCalledWith({ reqId: 'req-1', method: 'GET', route: '/accounts/[id]', path: '/accounts/acme-corp', status: 200, ms: expect.any(Number) }, 'request');
    // A server error is logged as an error.
    expect(error).toHaveBeenCalledWith({ reqId: 'req-2', method: 'GET', route: '/api/v1/accounts/[id]', path: '/api/v1/accounts/broken', status: 500, ms: expect.any(Number) }, 'request');
  });

  it('counts requests by method, route template and status, never by raw path', async () => {
    const count = async (route: string, status = '200') => sample((await renderMetrics(t.store)).text, 'trellis_http_requests_total', { method: 'GET', route, status }) ?? 0;
    const before = { page: await count('/accounts/[id]'), api: await count('/api/v1/accounts/[id]/history'), other: await count(UNMATCHED) };
    for (const id of ['acme', 'globex', 'initech']) await get(`/accounts/${id}`);
    await get('/api/v1/accounts/acme/history?from=2026-01-01');
    await get('/wp-login.php');
    await vi.waitFor(async () => expect(await count(UNMATCHED)).toBe(before.other + 1));
    expect(await count('/accounts/[id]')).toBe(before.page + 3);
    expect(await count('/api/v1/accounts/[id]/history')).toBe(before.api + 1);
    const text = (await renderMetrics(t.store)).text;
    const routes = new Set(samples(text, 'trellis_http_requests_total').map((s) => s.labels.get('route')));
    for (const route of routes) expect(route).not.toMatch(/acme|globex|initech|wp-login/);
    expect(sample(text, 'trellis_http_request_duration_seconds_count', { method: 'GET', route: '/accounts/[id]', status: '200' })).toBeGreaterThanOrEqual(3);
  });
});
