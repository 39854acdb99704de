import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { cachedDecode } from '@/lib/session-token';

const PUBLIC_PAGES = ['/login'];

/** A strict Content Security Policy with a fresh nonce per request (Next.js applies it to its scripts). */
function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (chart sizes, progress bars) cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Whether every %-escape of a path decodes (Next.js would fail on it with a 500 otherwise). */
function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses paths whose %-escapes do not decode (`/api/v1/accounts/%E0%A4%A`): a 400, in the API's
 * JSON error shape under /api/, as text elsewhere.
 */
function malformedPath(pathname: string): NextResponse {
  const message = 'The address is not valid: one of its %-escapes does not decode to text';
  if (pathname.startsWith('/api/')) return NextResponse.json({ error: { code: 'invalid', message } }, { status: 400 });
  return new NextResponse(message, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/**
 * Sets the Content Security Policy of every page and sends anonymous visitors of app pages to
 * sign-in. Every page, action and route checks the user's role itself on the server; the redirect
 * here is a convenience, not the guard.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (!decodes(pathname)) return malformedPath(pathname);
  // The API checks its keys and sessions itself and answers in JSON.
  if (pathname.startsWith('/api/')) return NextResponse.next();
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  const isPublic = PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  if (!isPublic && !(await getToken({ req: request, decode: cachedDecode }))) {
    const url = new URL('/login', request.url);
    if (pathname !== '/') url.searchParams.set('callbackUrl', pathname + search);
    const redirect = NextResponse.redirect(url);
    redirect.headers.set('Content-Security-Policy', csp);
    return redirect;
  }
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  // Every page, whatever its path ends in (account ids come from outside: /accounts/x.js is a
  // page), and the API (only for paths that do not decode). Left out: Next's own build assets and
  // the public files browsers fetch without signing in (public/: icons, web manifest, robots.txt).
  matcher: [
    {
      source: '/((?!_next/static/|_next/image|favicon.ico$|icon.svg$|icon-192.png$|icon-512.png$|apple-touch-icon.png$|manifest.webmanifest$|robots.txt$).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
