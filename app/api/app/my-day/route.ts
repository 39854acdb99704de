import { NextResponse } from 'next/server';
import { z } from 'zod';
import { sessionRoute } from '@/lib/server/api';
import { myDay, myDayOwner } from '@/lib/server/queries/my-day';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const querySchema = z.object({ owner: z.string().max(320).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters').optional(), all: z.enum(['true', 'false']).optional() }).strict();

/** "My day" for the page's refreshes: the top of the day, and the rest when asked for (`all=true`). */
export const GET = sessionRoute('csm', async ({ db, user, request }) => {
  const query = querySchema.parse(dictFrom(request.nextUrl.searchParams));
  return NextResponse.json(await myDay(db, { owner: myDayOwner(query.owner, user), includeRest: query.all === 'true' }));
});
