import { NextResponse } from 'next/server';
import { parseViewFilters } from '@/lib/account-filters';
import { sessionRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { accountPage } from '@/lib/server/queries/account-page';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute<{ id: string }>('csm', async ({ db, request }, { id }) => {
  const types = request.nextUrl.searchParams.get('types')?.split(',').filter(Boolean);
  const { asOf } = parseViewFilters({ asOf: request.nextUrl.searchParams.get('asOf') ?? undefined });
  const data = await accountPage(db, decodeURIComponent(id), { types, asOf });
  if (!data) throw new AppError('not_found', `No account with id "${id}"`);
  return NextResponse.json(data);
});
