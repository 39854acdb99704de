import { NextResponse } from 'next/server';
import { z } from 'zod';
import { sessionRoute } from '@/lib/server/api';
import { myDay, myDayOwner } from '@/lib/server/queries/my-day';
import { MY_DAY_REST_PAGE } from '@/lib/queries/my-day';
import { shownParam } from '@/lib/queries/shown';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const querySchema = z
  .object({
    owner: z.string().max(320).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters').optional(),
    all: z.enum(['true', 'false']).optional(),
    shown: shownParam.optional(),
  })
  .strict()
  .refine((q) => q.shown === undefined || q.all === 'true', { path: ['shown'], message: 'only with all=true' });

/**
 * "My day" for the page's refreshes: the top of the day and, with `all=true`, the accounts past the
 * budget, the first `shown` of them (a page when unset).
 */
export const GET = sessionRoute('csm', async ({ db, user, request }) => {
  const query = querySchema.parse(dictFrom(request.nextUrl.searchParams));
  const rest = query.all === 'true' ? (query.shown ?? MY_DAY_REST_PAGE) : undefined;
  return NextResponse.json(await myDay(db, { owner: myDayOwner(query.owner, user), rest }));
});
