import { NextResponse, type NextRequest } from 'next/server';
import { buildOpenApi } from '@/lib/api/openapi';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** Public (no key): the document names this server so tools can call it directly. */
export function GET(request: NextRequest) {
  return NextResponse.json(buildOpenApi(request.nextUrl.origin), { headers: { 'Cache-Control': 'public, max-age=300' } });
}
