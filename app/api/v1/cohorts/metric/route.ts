import { NextResponse } from 'next/server';
import { metricCohortQuerySchema } from '@/lib/analytics/params';
import { apiRoute } from '@/lib/server/api';
import { metricCohortAnalysis } from '@/lib/server/queries/metric-cohorts';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** Metric cohorts: churn by decile of one measure's points or one trigger's count as of D (the Cohorts page's figures). */
export const GET = apiRoute('read', async ({ db, request }) => {
  const query = metricCohortQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await metricCohortAnalysis(db, query));
});
