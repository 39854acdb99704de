import { NextResponse } from 'next/server';
import { trendQuerySchema } from '@/lib/analytics/params';
import { sessionRoute } from '@/lib/server/api';
import { trendsPage } from '@/lib/server/queries/trends';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute('manager', async ({ db, request }) => {
  const query = trendQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await trendsPage(db, query));
});
