import { NextResponse } from 'next/server';
import { cohortQuerySchema } from '@/lib/analytics/params';
import { apiRoute } from '@/lib/server/api';
import { cohortAnalysis, resolveCohortParams } from '@/lib/server/queries/cohorts';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** Score validation against outcomes (SCORING.md §5): the same figures as the Cohorts page. */
export const GET = apiRoute('read', async ({ db, request }) => {
  const query = cohortQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await cohortAnalysis(db, await resolveCohortParams(db, query)));
});
