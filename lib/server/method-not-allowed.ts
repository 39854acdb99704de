/**
 * JSON 405s for the methods a route does not answer. Next.js answers those with an empty 405 of
 * its own; a route file that re-exports this module (`export * from
 * '@/lib/server/method-not-allowed'`) answers them in the API's error shape instead. The route's
 * own exports take precedence over these (a module's own exports shadow `export *`), so only the
 * methods it lacks come from here. HEAD follows GET, and OPTIONS is still Next's own.
 */
import type { NextRequest } from 'next/server';
import { errorResponse } from './api';
import { AppError } from './errors';

function methodNotAllowed(request: NextRequest): Response {
  return errorResponse(new AppError('method_not_allowed', `${request.method} is not a method of ${request.nextUrl.pathname}; see /api/v1/openapi.json`));
}

export { methodNotAllowed as GET, methodNotAllowed as POST, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
