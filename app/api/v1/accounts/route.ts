import { NextResponse } from 'next/server';
import { accountSchema } from '@/lib/ingest/schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';
import { apiRoute, readBatch } from '@/lib/server/api';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { listAccounts } from '@/lib/server/queries/accounts';
import { accountQuerySchema } from '@/lib/account-filters';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', ({ db, request }) => {
  const query = accountQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return NextResponse.json(listAccounts(db, query));
});

export const POST = apiRoute('ingest', async ({ db, request }) => {
  const items = await readBatch(request, accountSchema, INGEST_LIMITS.accounts);
  const result = upsertAccounts(db, items);
  return NextResponse.json({ upserted: result.upserted });
});
