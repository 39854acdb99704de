import { NextResponse } from 'next/server';
import { apiRoute, readBatch } from '@/lib/server/api';
import { upsertContacts } from '@/lib/server/commands/accounts';
import { contactSchema } from '@/lib/ingest/schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const POST = apiRoute('ingest', async ({ db, request }) => {
  const items = await readBatch(request, contactSchema, INGEST_LIMITS.contacts);
  return NextResponse.json(await upsertContacts(db, items));
});
