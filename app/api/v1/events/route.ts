import { NextResponse } from 'next/server';
import { apiRoute, booleanParam, readBatch } from '@/lib/server/api';
import { ingestQueue } from '@/lib/server/ingest-queue';
import { eventSchema } from '@/lib/ingest/schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const POST = apiRoute('ingest', async ({ db, request, key }) => {
  const createAccounts = booleanParam(request, 'createAccounts');
  const result = await ingestQueue(db).submit(() => readBatch(request, eventSchema, INGEST_LIMITS.events), { createAccounts, source: `api:${key.name}` });
  return NextResponse.json({ accepted: result.accepted, duplicates: result.duplicates });
});
