import { encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { cachedDecode } from './session-token';

const secret = 'test-secret-not-used-elsewhere';

describe('cachedDecode', () => {
  it('gives the claims of a valid token, again from the cache, and nothing for a forged one', async () => {
    const token = await encode({ token: { uid: 7, email: 'a@example.com' }, secret, maxAge: 60 });
    expect(await cachedDecode({ token, secret })).toMatchObject({ uid: 7, email: 'a@example.com' });
    expect(await cachedDecode({ token, secret })).toMatchObject({ uid: 7 });
    await expect(cachedDecode({ token: `${token.slice(0, -4)}AAAA`, secret })).rejects.toThrow();
  });

  it('decodes an expired token again instead of answering from the cache', async () => {
    const token = await encode({ token: { uid: 8 }, secret, maxAge: -60 });
    await expect(cachedDecode({ token, secret })).rejects.toThrow();
  });
});
