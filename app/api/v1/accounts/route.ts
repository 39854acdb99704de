import { NextResponse } from 'next/server';
import { accountSchema } from '@/lib/ingest/schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';
import { apiRoute, readBatch } from '@/lib/server/api';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { listAccounts } from '@/lib/server/queries/accounts';
import { accountQuerySchema } from '@/lib/account-filters';
import { historyDayOf, isoDay } from '@/lib/server/queries/score-source';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = apiRoute('read', async ({ db, request }) => {
  const query = accountQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  const day = historyDayOf(query.asOf);
  return NextResponse.json({ asOf: day === null ? null : isoDay(day), ...(await listAccounts(db, query)) });
});

export const POST = apiRoute('ingest', async ({ db, request }) => {
  const items = await readBatch(request, accountSchema, INGEST_LIMITS.accounts);
  const result = await upsertAccounts(db, items);
  return NextResponse.json({ upserted: result.upserted });
});
