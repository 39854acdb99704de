import { NextResponse } from 'next/server';
import { sessionRoute } from '@/lib/server/api';
import { riskOverview } from '@/lib/server/queries/risk';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** The churn-risk model's held-out figures (calibration by decile), or why there is none. */
export const GET = sessionRoute('manager', async ({ db }) => NextResponse.json(await riskOverview(db)));
