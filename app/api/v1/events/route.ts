import { NextResponse } from 'next/server';
import { apiRoute, readJsonBody } from '@/lib/server/api';
import { ingestEvents } from '@/lib/server/commands/events';
import { AppError } from '@/lib/server/errors';
import { eventSchema, validateBatch } from '@/lib/ingest/schemas';

export const dynamic = 'force-dynamic';

const MAX_EVENTS = 10_000;
const MAX_BYTES = 8 * 1024 * 1024;

export const POST = apiRoute('ingest', async ({ db, request, key }) => {
  const body = await readJsonBody(request, MAX_BYTES);
  const checked = validateBatch(eventSchema, body, MAX_EVENTS);
  if (!checked.ok) throw new AppError('invalid', `${checked.errors.length} problem(s) in the batch; nothing was written`, checked.errors);
  const createAccounts = request.nextUrl.searchParams.get('createAccounts') === 'true';
  const result = ingestEvents(db, checked.items, { createAccounts, source: `api:${key.name}` });
  return NextResponse.json({ accepted: result.accepted, duplicates: result.duplicates });
});
