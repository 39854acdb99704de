import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parseViewFilters } from '@/lib/account-filters';
import { sessionRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { accountPageTimeline } from '@/lib/server/queries/account-page';
import { MAX_TIMELINE_SEARCH } from '@/lib/server/queries/timeline';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const querySchema = z.object({
  types: z.string().max(2000).optional(),
  q: z.string().max(MAX_TIMELINE_SEARCH, `Search for at most ${MAX_TIMELINE_SEARCH} characters`).optional(),
  cursor: z.string().max(200).optional(),
  asOf: z.string().max(20).optional(),
}).strict();

/** A page of an account's timeline (25 events), filtered by type and searched in the notes. */
export const GET = sessionRoute<{ id: string }>('csm', async ({ db, request }, { id }) => {
  const query = querySchema.parse(dictFrom(request.nextUrl.searchParams));
  const types = query.types?.split(',').filter(Boolean).slice(0, 50);
  const { asOf } = parseViewFilters({ asOf: query.asOf });
  const page = await accountPageTimeline(db, decodeURIComponent(id), { types, q: query.q, cursor: query.cursor, asOf });
  if (!page) throw new AppError('not_found', `No account with id "${id}"`);
  return NextResponse.json(page);
});
