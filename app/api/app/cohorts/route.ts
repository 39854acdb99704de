import { NextResponse } from 'next/server';
import { cohortQuerySchema } from '@/lib/analytics/params';
import { sessionRoute } from '@/lib/server/api';
import { cohortPage } from '@/lib/server/queries/cohorts';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute('manager', async ({ db, request }) => {
  const query = cohortQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await cohortPage(db, query));
});
