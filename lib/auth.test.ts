import { describe, expect, it } from 'vitest';
import { discoveryUrl } from './auth';

describe('discoveryUrl', () => {
  it('finds the discovery document under the issuer, path and all', () => {
    expect(discoveryUrl('https://accounts.google.com')).toBe('https://accounts.google.com/.well-known/openid-configuration');
    expect(discoveryUrl('https://kc.example.com/realms/acme/')).toBe('https://kc.example.com/realms/acme/.well-known/openid-configuration');
    expect(discoveryUrl(' https://login.microsoftonline.com/tenant/v2.0 ')).toBe('https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration');
  });

  it('takes the discovery document’s own URL as it is', () => {
    expect(discoveryUrl('https://acme.okta.com/.well-known/openid-configuration')).toBe('https://acme.okta.com/.well-known/openid-configuration');
  });
});
