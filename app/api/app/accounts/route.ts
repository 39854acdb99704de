import { NextResponse } from 'next/server';
import { accountQuerySchema } from '@/lib/account-filters';
import { sessionRoute } from '@/lib/server/api';
import { accountsView, effectiveFilters } from '@/lib/server/queries/account-view';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute('csm', async ({ db, user, request }) => {
  const query = accountQuerySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await accountsView(db, { ...query, ...effectiveFilters(query, user) }));
});
