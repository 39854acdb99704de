/**
 * Every path under /api/ that no other route serves (Next tries the more specific routes first):
 * 404 in the API's JSON error shape, for every method, rather than the HTML "page not found".
 */
import type { NextRequest } from 'next/server';
import { errorResponse, noApiRoute } from '@/lib/server/api';

export const dynamic = 'force-dynamic';

function notFound(request: NextRequest): Response {
  return errorResponse(noApiRoute(request));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
