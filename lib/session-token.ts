/**
 * Session tokens already decrypted, until they expire. Decrypting one derives the key (HKDF) and
 * decrypts the JWE on every request; a token is immutable, so the same cookie always gives the
 * same claims. Bounded: the oldest entries go first. Shared by the proxy (sign-in redirect) and
 * the server's user lookup; each keeps its own entries.
 */
import { decode, type JWT, type JWTDecodeParams } from 'next-auth/jwt';

const decoded = new Map<string, { token: JWT | null; expiresAt: number }>();
const DECODED_MAX = 1_000;

export async function cachedDecode(params: JWTDecodeParams): Promise<JWT | null> {
  const key = params.token ?? '';
  const hit = decoded.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.token;
  const token = await decode(params);
  const exp = typeof token?.exp === 'number' ? token.exp * 1000 : 0;
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, { token, expiresAt: exp });
  return token;
}
