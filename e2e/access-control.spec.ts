/**
 * Walks the access table (lib/access-control.ts) as anonymous, CSM, manager and admin, and with
 * API keys of every scope: nothing is reachable by someone it is not for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ACTIONS, PAGES, ROUTES, type Scope } from '../lib/access-control';
import { hasRole, type Role } from '../lib/roles';
import { signInAs } from './pages/login-page';
import { apiKeys } from './support/api';

const ROLES: Role[] = ['csm', 'manager', 'admin'];
const SCOPE_RANK: Record<Scope, number> = { read: 0, ingest: 0, admin: 1 };
const scopeAllows = (key: Scope, needed: Scope) => key === needed || (key === 'admin' && SCOPE_RANK[needed] <= 1);

/** Server action ids from the build, with the page each one is served from. */
function actionIds(): Map<string, { id: string; path: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.resolve('.next/server/server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  const out = new Map<string, { id: string; path: string }>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers).find((w) => w.endsWith('/page'))!;
    const route = `/${worker.split('/').slice(1, -1).filter((p) => !/^\(.*\)$/.test(p)).join('/')}`;
    const page = PAGES.find((p) => p.route === route)!;
    out.set(`${entry.filename} ${entry.exportedName}`, { id, path: page.path });
  }
  return out;
}

async function callAction(request: APIRequestContext, action: { id: string; path: string }) {
  const res = await request.post(action.path, {
    headers: { 'next-action': action.id, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' },
    data: '[{}]',
    maxRedirects: 0,
  });
  return { status: res.status(), body: await res.text() };
}

test.describe('access control', () => {
  test('anonymous visitors reach only the sign-in page, public routes and nothing else', async ({ page, playwright, baseURL }) => {
    for (const p of PAGES) {
      await page.goto(p.path);
      if (p.minRole === 'anyone') expect(page.url(), p.path).toContain(p.path);
      else await expect(page, p.path).toHaveURL(/\/login(\?|$)/);
    }
    const anonymous = await playwright.request.newContext({ baseURL });
    for (const r of ROUTES) {
      const res = await anonymous.fetch(r.path, { method: r.method, data: r.method === 'GET' ? undefined : '[]', maxRedirects: 0 });
      if (r.guard === 'anyone') expect(res.status(), `${r.method} ${r.path}`).toBe(200);
      else expect(res.status(), `${r.method} ${r.path}`).toBe(401);
    }
    const ids = actionIds();
    for (const a of ACTIONS) {
      const result = await callAction(anonymous, ids.get(`${a.file} ${a.name}`)!);
      expect(result.body, `${a.name} as anonymous`).not.toContain('"ok":true');
      expect(result.status, `${a.name} as anonymous`).toBe(307);
    }
  });

  for (const role of ROLES) {
    test(`a signed-in ${role} reaches exactly what the role allows`, async ({ page }) => {
      await signInAs(page, `${role}@example.com`);
      for (const p of PAGES.filter((x) => x.minRole !== 'anyone')) {
        const res = await page.goto(p.path);
        expect(res?.status(), `${role} ${p.path}`).toBe(hasRole(role, p.minRole as Role) ? 200 : 403);
      }
      for (const r of ROUTES.filter((x) => x.guard.startsWith('session:'))) {
        const needed = r.guard.split(':')[1] as Role;
        const res = await page.request.fetch(r.path, { method: r.method });
        // Allowed calls may still be refused for their input (400, 404), never for the role.
        if (hasRole(role, needed)) expect([200, 400, 404], `${role} ${r.method} ${r.path}`).toContain(res.status());
        else expect(res.status(), `${role} ${r.method} ${r.path}`).toBe(403);
      }
      await checkActions(page, role);
    });
  }

  test('API keys reach exactly the routes of their scope', async ({ playwright, baseURL }) => {
    const keys = apiKeys('demo');
    for (const scope of ['read', 'ingest', 'admin'] as Scope[]) {
      const client = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${keys[scope]}` } });
      for (const r of ROUTES.filter((x) => x.guard.startsWith('key:'))) {
        const needed = r.guard.split(':')[1] as Scope;
        // An empty body is refused by validation (400) once past the key check; it never writes.
        const res = await client.fetch(r.path, { method: r.method, data: r.method === 'GET' ? undefined : '[]' });
        // A job id that names no job (the demo has none) is a 404 once past the key check.
        const passed = r.path.startsWith('/api/v1/jobs/') ? [200, 404] : [200, 400];
        if (scopeAllows(scope, needed)) expect(passed, `${scope} ${r.method} ${r.path}`).toContain(res.status());
        else expect(res.status(), `${scope} ${r.method} ${r.path}`).toBe(403);
      }
      const segment = await playwright.request.newContext({ baseURL, httpCredentials: { username: keys[scope], password: '' } });
      const res = await segment.post('/api/segment/v1/track', { data: {} });
      expect(res.status(), `segment with a ${scope} key`).toBe(scopeAllows(scope, 'ingest') ? 400 : 403);
    }
  });
});

/** Server actions are public POST endpoints: each checks the role before it validates anything. */
async function checkActions(page: Page, role: Role) {
  const ids = actionIds();
  for (const a of ACTIONS) {
    const action = ids.get(`${a.file} ${a.name}`);
    expect(action, `${a.name} is in the build`).toBeDefined();
    const { body } = await callAction(page.request, action!);
    // Allowed: past the role check (an empty input is then refused by validation, or is harmless).
    if (hasRole(role, a.minRole)) expect(body, `${role} ${a.name}`).toMatch(/"ok":(true|false)/);
    if (hasRole(role, a.minRole)) expect(body, `${role} ${a.name}`).not.toContain('Your role does not allow this');
    else {
      expect(body, `${role} ${a.name}`).toContain('Your role does not allow this');
      expect(body).not.toContain('"ok":true');
    }
  }
}
