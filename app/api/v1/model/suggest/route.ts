import { NextResponse } from 'next/server';
import { apiRoute, readJsonBody } from '@/lib/server/api';
import { suggestFullModel } from '@/lib/server/queries/suggested-model';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** A complete model fitted on a training period and judged on a later test period; never published. */
export const POST = apiRoute('admin', async ({ db, request }) => NextResponse.json(await suggestFullModel(db, await readJsonBody(request, 16 * 1024))));
