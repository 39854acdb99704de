import { NextResponse } from 'next/server';
import { apiRoute, readJsonBody } from '@/lib/server/api';
import { upsertContacts } from '@/lib/server/commands/accounts';
import { AppError } from '@/lib/server/errors';
import { contactSchema, validateBatch } from '@/lib/ingest/schemas';

export const dynamic = 'force-dynamic';

export const POST = apiRoute('ingest', async ({ db, request }) => {
  const checked = validateBatch(contactSchema, await readJsonBody(request, 4 * 1024 * 1024), 5_000);
  if (!checked.ok) throw new AppError('invalid', `${checked.errors.length} problem(s) in the batch; nothing was written`, checked.errors);
  return NextResponse.json(upsertContacts(db, checked.items));
});
