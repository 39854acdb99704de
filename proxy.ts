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

/**
 * Sets the Content Security Policy of every page and sends anonymous visitors of app pages to
 * sign-in. Every page, action and route checks the user's role itself on the server; the redirect
 * here is a convenience, not the guard.
 */
export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  const { pathname, search } = request.nextUrl;
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
  // page). Left out: the API (it answers 401 itself, in JSON) and Next's own build assets.
  matcher: [
    {
      source: '/((?!api/|_next/static/|_next/image|favicon.ico$|robots.txt$).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
