import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiRoute } from '@/lib/server/api';
import { accountDetailJson } from '@/lib/server/api-shapes';
import { AppError } from '@/lib/server/errors';
import { getAccountDetail } from '@/lib/server/queries/account-detail';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const querySchema = z.object({ asOf: z.iso.datetime({ offset: true, message: 'asOf must be an ISO 8601 instant, e.g. 2026-03-01T00:00:00Z' }).optional() }).strict();

export const GET = apiRoute<{ id: string }>('read', async ({ db, request }, { id }) => {
  const query = querySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  const detail = await getAccountDetail(db, decodeURIComponent(id), { asOf: query.asOf ? Date.parse(query.asOf) : undefined });
  if (!detail) throw new AppError('not_found', `No account with id "${id}"`);
  return NextResponse.json(accountDetailJson(detail));
});
