/** Which address sign-in throttling uses, under each TRUST_PROXY setting. */
import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustProxy } from './client-address';

const headers = (xff: string | null) => new Headers(xff === null ? {} : { 'x-forwarded-for': xff });

describe('clientAddress', () => {
  it('ignores forwarding headers unless TRUST_PROXY is set', () => {
    for (const setting of [undefined, '', '0', 'false']) expect(clientAddress(headers('198.51.100.1'), parseTrustProxy(setting))).toBeNull();
  });

  it('with one trusted proxy takes the entry that proxy appended, not the one the client wrote', () => {
    const trust = parseTrustProxy('1');
    expect(clientAddress(headers('6.6.6.6, 203.0.113.9'), trust)).toBe('203.0.113.9');
    expect(clientAddress(headers('203.0.113.9'), trust)).toBe('203.0.113.9');
    expect(parseTrustProxy('true')).toEqual(trust);
  });

  it('with N proxies takes the Nth entry from the right', () => {
    expect(clientAddress(headers('6.6.6.6, 203.0.113.9, 10.0.0.2'), parseTrustProxy('2'))).toBe('203.0.113.9');
    expect(clientAddress(headers('203.0.113.9'), parseTrustProxy('3'))).toBe('203.0.113.9');
  });

  it('with a list of proxies skips them from the right', () => {
    const trust = parseTrustProxy('10.0.0.0/8, 192.168.1.5, fd00::/8');
    expect(clientAddress(headers('6.6.6.6, 203.0.113.9, 192.168.1.5, 10.1.2.3'), trust)).toBe('203.0.113.9');
    expect(clientAddress(headers('2001:db8::7, fd00::1'), trust)).toBe('2001:db8::7');
  });

  it('treats entries that are not addresses as unknown, and normalises ports and mapped addresses', () => {
    const trust = parseTrustProxy('1');
    expect(clientAddress(headers('not-an-address'), trust)).toBeNull();
    expect(clientAddress(headers(`${'1'.repeat(300)}`), trust)).toBeNull();
    expect(clientAddress(headers('203.0.113.9:51000'), trust)).toBe('203.0.113.9');
    expect(clientAddress(headers('[2001:DB8::1]:443'), trust)).toBe('2001:db8::1');
    expect(clientAddress(headers('::ffff:203.0.113.9'), trust)).toBe('203.0.113.9');
    expect(clientAddress(headers(null), trust)).toBeNull();
  });

  it('refuses a TRUST_PROXY list entry that is not an address', () => {
    expect(() => parseTrustProxy('proxy.internal')).toThrow(/TRUST_PROXY/);
  });
});
