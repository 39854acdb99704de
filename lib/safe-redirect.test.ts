/** The paths followed after sign-in (the login page and next-auth's redirect callback). */
import { describe, expect, it } from 'vitest';
import { safeCallbackPath, sameSitePath } from './safe-redirect';

describe('safeCallbackPath', () => {
  it.each([
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/ /evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    '/x\\..\\..\\/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    ' /accounts',
    '/accounts\u0000',
    '/\u2028/evil.example',
    '/login?callbackUrl=//evil.example',
    '/api/v1/accounts',
    '',
    'x'.repeat(3000),
  ])('refuses %j', (value) => {
    expect(safeCallbackPath(value)).toBe('/accounts');
  });

  it('refuses non-strings', () => {
    expect(safeCallbackPath(undefined)).toBe('/accounts');
    expect(safeCallbackPath(['/trends'])).toBe('/accounts');
  });

  it('keeps same-site paths with their query and fragment, normalised', () => {
    expect(safeCallbackPath('/trends?from=2026-01-01&tier=core')).toBe('/trends?from=2026-01-01&tier=core');
    expect(safeCallbackPath('/accounts/acme%20co#timeline')).toBe('/accounts/acme%20co#timeline');
    expect(safeCallbackPath('/alerts/../trends')).toBe('/trends');
  });

  it('never yields a path the browser would read as another host', () => {
    expect(sameSitePath('/./evil.example')).toBe('/evil.example');
    expect(sameSitePath('/%2F/evil.example')).toBe('/%2F/evil.example');
    expect(sameSitePath('/login')).toBe('/login');
  });
});
