import { expect, test } from '@playwright/test';
import { DEFAULT_MODEL } from '../lib/scoring/default-model';
import { apiClient, apiKeys } from './support/api';
import { LoginPage, signInAs } from './pages/login-page';

test.describe('sign-in redirects stay on the site', () => {
  for (const callbackUrl of ['/%09/evil.example', '/%0A/evil.example', '/%5C/evil.example', '//evil.example', 'https://evil.example/']) {
    test(`callbackUrl=${callbackUrl} lands on the CSM's day`, async ({ page, baseURL }) => {
      const offSite: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(baseURL!)) offSite.push(r.url());
      });
      await page.goto(`/login?callbackUrl=${callbackUrl}`);
      await new LoginPage(page).signIn('csm@example.com');
      await expect(page.getByRole('navigation', { name: 'Main' }).first()).toBeVisible();
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      // A refused callback is dropped: the CSM lands where a CSM lands, on their day.
      await expect(page).toHaveURL(`${baseURL}/my-day`);
      // Already signed in: the sign-in page sends the visitor on, and still not off the site.
      await page.goto(`/login?callbackUrl=${callbackUrl}`);
      await expect(page).toHaveURL(`${baseURL}/my-day`);
      expect(offSite).toEqual([]);
    });
  }
});

test.describe('security headers', () => {
  for (const path of ['/accounts/evil.js', '/accounts/evil.css', '/accounts/evil.png', '/accounts']) {
    test(`${path} carries the Content-Security-Policy and the other headers`, async ({ page }) => {
      await signInAs(page, 'csm@example.com');
      const response = await page.goto(path);
      expect(response!.headers()['content-type']).toMatch(/text\/html/);
      const headers = response!.headers();
      expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['x-content-type-options']).toBe('nosniff');
    });
  }

  test('an anonymous visit of /accounts/evil.js is sent to sign-in with the policy', async ({ request }) => {
    const response = await request.get('/accounts/evil.js', { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    expect(response.headers()['location']).toContain('/login?callbackUrl=%2Faccounts%2Fevil.js');
    expect(response.headers()['content-security-policy']).toContain("default-src 'self'");
  });
});

test.describe('signing out', () => {
  test('a session cookie captured before signing out no longer works', async ({ page, browser, baseURL }) => {
    await signInAs(page, 'manager@example.com');
    expect((await (await page.request.get('/api/auth/session')).json()).user).toMatchObject({ email: 'manager@example.com', role: 'manager' });
    const captured = await page.context().cookies();
    expect(captured.some((c) => c.name.includes('next-auth.session-token'))).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);

    const replay = await browser.newContext({ baseURL });
    await replay.addCookies(captured);
    const stolen = await replay.newPage();
    await stolen.goto('/trends');
    await expect(stolen).toHaveURL(/\/login/);
    await expect(stolen.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    const api = await stolen.request.get('/api/app/trends');
    expect(api.status()).toBe(401);
    const session = await (await stolen.request.get('/api/auth/session')).json();
    expect(session.user).toBeUndefined();
    await replay.close();
  });
});

test.describe('date parameters', () => {
  test('trends with a date before 1970 answer 400 naming the field', async ({ page }) => {
    await signInAs(page, 'manager@example.com');
    const response = await page.request.get('/api/app/trends?from=0001-01-01');
    expect(response.status()).toBe(400);
    expect((await response.json()).error.details).toEqual([{ path: 'from', message: 'Use a date between 1970-01-01 and 2999-12-31' }]);
  });

  test('a preview as of an impossible date answers 400 naming asOf', async ({ baseURL }) => {
    const admin = await apiClient(baseURL!, apiKeys('demo').admin);
    const response = await admin.post('/api/v1/model/preview', { data: { model: DEFAULT_MODEL, asOf: '2026-99-99' } });
    expect(response.status()).toBe(400);
    expect((await response.json()).error.details[0].path).toBe('asOf');
    await admin.dispose();
  });
});

test.describe('webhook targets', () => {
  for (const url of ['http://127.0.0.1:22/', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:10.0.0.1]/']) {
    test(`an admin cannot add a webhook to ${url}`, async ({ page }) => {
      await signInAs(page, 'admin@example.com');
      await page.goto('/admin/webhooks');
      const form = page.getByRole('form', { name: 'Add a webhook' });
      await form.getByLabel('URL').fill(url);
      await form.getByRole('button', { name: 'Add webhook' }).click();
      await expect(form.locator('#webhook-url-error')).toHaveText(/private, loopback or otherwise internal address/);
      await expect(form.getByLabel('URL')).toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByRole('list', { name: 'Webhooks' })).toHaveCount(0);
    });
  }
});
