import { NextResponse } from 'next/server';
import { z } from 'zod';
import { dictFrom } from '@/lib/dict';
import { apiRoute, parseStrict } from '@/lib/server/api';
import { experimentReport } from '@/lib/server/queries/experiments';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const querySchema = z.strictObject({
  asOf: z.iso.datetime({ offset: true, error: 'an ISO 8601 instant, e.g. 2026-03-01T00:00:00Z' }).optional(),
});

/** What the experiment shows as of `asOf`: each arm's metrics and each arm against the baseline. */
export const GET = apiRoute<{ id: string }>('read', async ({ db, request }, { id }) => {
  const query = parseStrict(querySchema, dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await experimentReport(db, decodeURIComponent(id), { asOf: query.asOf ? Date.parse(query.asOf) : undefined }));
});
