import { NextResponse } from 'next/server';
import { accountSchema, validateBatch } from '@/lib/ingest/schemas';
import { apiRoute, readJsonBody } from '@/lib/server/api';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { AppError } from '@/lib/server/errors';
import { listAccounts } from '@/lib/server/queries/accounts';
import { accountQuerySchema } from '@/lib/account-filters';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', ({ db, request }) => {
  const query = accountQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return NextResponse.json(listAccounts(db, query));
});

export const POST = apiRoute('ingest', async ({ db, request }) => {
  const checked = validateBatch(accountSchema, await readJsonBody(request, 8 * 1024 * 1024), 5_000);
  if (!checked.ok) throw new AppError('invalid', `${checked.errors.length} problem(s) in the batch; nothing was written`, checked.errors);
  const result = upsertAccounts(db, checked.items);
  return NextResponse.json({ upserted: result.upserted });
});
