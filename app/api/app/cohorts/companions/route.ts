import { NextResponse } from 'next/server';
import { cohortQuerySchema } from '@/lib/analytics/params';
import { sessionRoute } from '@/lib/server/api';
import { companionMetrics, resolveCohortParams } from '@/lib/server/queries/cohorts';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute('manager', async ({ db, request }) => {
  const query = cohortQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await companionMetrics(db, await resolveCohortParams(db, query)));
});
