import { NextResponse } from 'next/server';
import { apiRoute, booleanParam, checkBatch, readJsonBody } from '@/lib/server/api';
import { ingestQueue } from '@/lib/server/ingest-queue';
import { eventSchema } from '@/lib/ingest/schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';
import { countedIngest } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const POST = apiRoute('ingest', async ({ db, request, key }) => {
  const createAccounts = booleanParam(request, 'createAccounts');
  const result = await countedIngest('api', (held) =>
    ingestQueue(db).submit(async () => {
      const body = await readJsonBody(request, INGEST_LIMITS.events.maxBytes);
      held(body);
      return checkBatch(body, eventSchema, INGEST_LIMITS.events.maxItems);
    }, { createAccounts, source: `api:${key.name}` }),
  );
  return NextResponse.json({ accepted: result.accepted, duplicates: result.duplicates });
});
