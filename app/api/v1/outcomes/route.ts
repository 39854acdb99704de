import { NextResponse } from 'next/server';
import { apiRoute, readBatch } from '@/lib/server/api';
import { insertOutcomes } from '@/lib/server/commands/accounts';
import { outcomeSchema } from '@/lib/ingest/schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const POST = apiRoute('ingest', async ({ db, request }) => {
  const items = await readBatch(request, outcomeSchema, INGEST_LIMITS.outcomes);
  return NextResponse.json(await insertOutcomes(db, items));
});
