/**
 * What operators and browsers see around the app itself, on the real server: the public files
 * (icons, web manifest, robots.txt) without signing in, JSON 404s and 405s under /api/, request
 * ids, and the metrics route (on in the e2e servers, with a token) labelling requests by route.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeys } from './support/api';
import { signInAs } from './pages/login-page';

const METRICS_TOKEN = 'e2e-metrics-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test.describe('public files', () => {
  test('the icons, the web manifest and robots.txt answer without signing in', async ({ request }) => {
    for (const [path, type] of [
      ['/favicon.ico', /^image\/(x-icon|vnd\.microsoft\.icon)/],
      ['/icon.svg', /^image\/svg\+xml/],
      ['/apple-touch-icon.png', /^image\/png/],
      ['/icon-192.png', /^image\/png/],
      ['/icon-512.png', /^image\/png/],
    ] as const) {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(200);
      expect(res.headers()['content-type'], path).toMatch(type);
      expect((await res.body()).length, path).toBeGreaterThan(100);
    }
    const manifest = await request.get('/manifest.webmanifest', { maxRedirects: 0 });
    expect(manifest.status()).toBe(200);
    const body = JSON.parse(await manifest.text()) as { name: string; icons: { src: string }[] };
    expect(body.name).toBe('Trellis');
    for (const icon of body.icons) expect((await request.get(icon.src, { maxRedirects: 0 })).status(), icon.src).toBe(200);
    const robots = await request.get('/robots.txt', { maxRedirects: 0 });
    expect(robots.status()).toBe(200);
    expect(await robots.text()).toMatch(/^User-agent: \*\s*$[\s\S]*^Disallow: \/\s*$/m);
  });

  for (const [who, path] of [['an anonymous visitor', '/login'], ['a signed-in CSM', '/accounts']] as const) {
    test(`a page load of ${path} by ${who} fails no request and links the icons and the manifest`, async ({ page }) => {
      if (path !== '/login') {
        await signInAs(page, 'csm@example.com');
        // Whatever the landing page was still loading is not this page load's.
        await page.waitForLoadState('networkidle');
      }
      const failed: string[] = [];
      const icons: string[] = [];
      page.on('request', (r) => {
        if (/\/(favicon\.ico|icon\.svg|apple-touch-icon\.png|manifest\.webmanifest)$/.test(new URL(r.url()).pathname)) icons.push(new URL(r.url()).pathname);
      });
      page.on('requestfailed', (r) => {
        // The router cancels its prefetches of linked pages when it has what it needs: not a failure.
        if (r.failure()?.errorText === 'net::ERR_ABORTED' && new URL(r.url()).searchParams.has('_rsc')) return;
        failed.push(`${r.url()} ${r.failure()?.errorText}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.url()} ${r.status()}`);
      });
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      // The browser asked for the page's icon (and got it: no failure below).
      await expect.poll(() => icons.length).toBeGreaterThan(0);
      const links = await page.locator('link[rel="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
      expect(links).toEqual(expect.arrayContaining(['/favicon.ico', '/icon.svg', '/apple-touch-icon.png', '/manifest.webmanifest']));
      // What the browser would fetch for them (it may do so lazily): each answers.
      for (const href of links) expect((await page.request.get(href!, { maxRedirects: 0 })).status(), href!).toBe(200);
      await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', /noindex/);
      expect(failed).toEqual([]);
    });
  }
});

test.describe('the API answers in JSON where Next would not', () => {
  for (const path of ['/api/does-not-exist', '/api/v1/nope', '/api/v1/accounts/acme/nope', '/api/app/none']) {
    test(`${path}: 404 JSON for every method`, async ({ request }) => {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        const res = await request.fetch(path, { method, data: method === 'GET' ? undefined : [] });
        expect(res.status(), method).toBe(404);
        expect(res.headers()['content-type'], method).toMatch(/^application\/json/);
        expect(await res.json(), method).toEqual({ error: { code: 'not_found', message: expect.stringContaining(`${method} ${path}`) } });
      }
    });
  }

  test('the catch-all shadows no real route, and a method a route lacks is a 405 JSON', async ({ request }) => {
    const keys = apiKeys('demo');
    const auth = { authorization: `Bearer ${keys.admin}` };
    expect((await request.get('/api/health')).status()).toBe(200);
    const list = await request.get('/api/v1/accounts?limit=1', { headers: auth });
    expect(list.status()).toBe(200);
    const id = ((await list.json()) as { data: { id: string }[] }).data[0]!.id;
    expect((await request.get(`/api/v1/accounts/${encodeURIComponent(id)}`, { headers: auth })).status()).toBe(200);
    expect((await request.get(`/api/v1/accounts/${encodeURIComponent(id)}/history`, { headers: auth })).status()).toBe(200);
    expect((await request.get('/api/v1/openapi.json')).status()).toBe(200);
    expect((await request.get('/api/auth/providers')).status()).toBe(200);
    // The Segment endpoint's own 404 for an unknown call, not the catch-all's.
    expect(((await (await request.post('/api/segment/v1/nonsense', { data: {} })).json()) as { error: { message: string } }).error.message).toMatch(/No Segment call/);
    for (const [method, path] of [['DELETE', '/api/v1/accounts'], ['PUT', '/api/v1/events'], ['GET', '/api/segment/v1/track'], ['POST', '/api/health']] as const) {
      const res = await request.fetch(path, { method, headers: auth, data: method === 'GET' ? undefined : [] });
      expect(res.status(), `${method} ${path}`).toBe(405);
      expect((await res.json()).error.code, `${method} ${path}`).toBe('method_not_allowed');
    }
  });
});

test.describe('request ids', () => {
  test('every answer carries one: a sane incoming id is kept, anything else replaced', async ({ request }) => {
    for (const path of ['/api/health', '/api/v1/nope', '/login', '/accounts', '/favicon.ico']) {
      const fresh = await request.get(path, { maxRedirects: 0 });
      expect(fresh.headers()['x-request-id'], path).toMatch(UUID);
      const kept = await request.get(path, { maxRedirects: 0, headers: { 'x-request-id': 'lb-5f2c.9:abc' } });
      expect(kept.headers()['x-request-id'], path).toBe('lb-5f2c.9:abc');
      const replaced = await request.get(path, { maxRedirects: 0, headers: { 'x-request-id': 'x'.repeat(300) } });
      expect(replaced.headers()['x-request-id'], path).toMatch(UUID);
    }
  });
});

test.describe('metrics', () => {
  async function scrape(request: APIRequestContext): Promise<string> {
    const res = await request.get('/api/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status()).toBe(200);
    return res.text();
  }

  test('need the token, and label requests by route template, never by raw path', async ({ request }) => {
    const refused = await request.get('/api/metrics');
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.code).toBe('unauthorized');
    expect((await request.get('/api/metrics', { headers: { authorization: 'Bearer wrong' } })).status()).toBe(401);

    const keys = apiKeys('demo');
    const marker = `probe-${Date.now()}`;
    await request.get(`/api/v1/accounts/${marker}`, { headers: { authorization: `Bearer ${keys.read}` } });
    await request.get(`/api/v1/${marker}`);
    await request.get(`/accounts/${marker}`, { maxRedirects: 0 });
    const text = await scrape(request);
    expect(text).not.toContain(marker);
    expect(text).toMatch(/^trellis_http_requests_total\{method="GET",route="\/api\/v1\/accounts\/\[id\]",status="404"\} [1-9]/m);
    expect(text).toMatch(/^trellis_http_requests_total\{method="GET",route="\/api\/\[\.\.\.path\]",status="404"\} [1-9]/m);
    expect(text).toMatch(/^trellis_http_requests_total\{method="GET",route="\/accounts\/\[id\]",status="307"\} [1-9]/m);
    expect(text).toMatch(/^trellis_rescore_pending_accounts \d+$/m);
    expect(text).toMatch(/^trellis_database_size_bytes [1-9]\d*$/m);
  });
});
