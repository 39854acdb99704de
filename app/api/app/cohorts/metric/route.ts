import { NextResponse } from 'next/server';
import { metricCohortQuerySchema } from '@/lib/analytics/params';
import { sessionRoute } from '@/lib/server/api';
import { metricCohortAnalysis } from '@/lib/server/queries/metric-cohorts';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute('manager', async ({ db, request }) => {
  const query = metricCohortQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await metricCohortAnalysis(db, query));
});
