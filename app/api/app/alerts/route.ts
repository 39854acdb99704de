import { NextResponse } from 'next/server';
import { z } from 'zod';
import { sessionRoute } from '@/lib/server/api';
import { ALERT_GROUPS_PAGE } from '@/lib/queries/alerts';
import { shownParam } from '@/lib/queries/shown';
import { ALERT_STATES, alertOwner, alertsPage } from '@/lib/server/queries/alerts';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const querySchema = z.object({ state: z.enum(ALERT_STATES).default('open'), owner: z.string().max(300).optional(), shown: shownParam.optional() }).strict();

/** The Alerts page's refreshes: the counts, and the alerts of a state grouped by account, the first `shown` accounts (a page when unset). */
export const GET = sessionRoute('csm', async ({ db, user, request }) => {
  const query = querySchema.parse(dictFrom(request.nextUrl.searchParams));
  const owner = alertOwner(query.owner, user);
  return NextResponse.json(await alertsPage(db, { state: query.state, owner, groups: query.shown ?? ALERT_GROUPS_PAGE }));
});
