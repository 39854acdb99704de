const BASE = 'http://trellis.invalid';

/**
 * A path on this site, normalised, or null. Refused: anything but an absolute path, `//` and
 * `/\` starts (another host), backslashes, whitespace and control characters anywhere (browsers
 * drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` would become
 * `//evil.example`), and anything the URL parser does not resolve to this origin.
 */
export function sameSitePath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  if (/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? null : path;
}

/** Only same-site paths are followed after sign-in: never another origin (open redirect). */
export function safeCallbackPath(value: unknown, fallback = '/accounts'): string {
  const path = sameSitePath(value);
  if (path === null || path.startsWith('/login') || path.startsWith('/api/')) return fallback;
  return path;
}
