import { NextResponse } from 'next/server';
import { accountQuerySchema } from '@/lib/account-filters';
import { sessionRoute } from '@/lib/server/api';
import { accountsView, effectiveFilters } from '@/lib/server/queries/account-view';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute('csm', async ({ db, user, request }) => {
  const query = accountQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  return NextResponse.json(await accountsView(db, { ...query, ...effectiveFilters(query, user) }));
});
