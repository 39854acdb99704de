import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';

/**
 * Only sends anonymous visitors of app pages to sign-in. Every page, action and route checks the
 * user's role itself on the server; this is a convenience, not the guard.
 */
export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request });
  if (token) return NextResponse.next();
  const url = new URL('/login', request.url);
  const path = request.nextUrl.pathname + request.nextUrl.search;
  if (path !== '/') url.searchParams.set('callbackUrl', path);
  return NextResponse.redirect(url);
}

export const config = {
  // Pages only: the API answers 401 itself, and sign-in, assets and health stay open.
  matcher: ['/((?!api/|login|_next/|favicon.ico|robots.txt|.*\\.(?:png|svg|ico|jpg|css|js)$).*)'],
};
