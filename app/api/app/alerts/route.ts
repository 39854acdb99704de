import { NextResponse } from 'next/server';
import { z } from 'zod';
import { sessionRoute } from '@/lib/server/api';
import { ALERT_STATES, alertCounts, alertOwner, listAlerts } from '@/lib/server/queries/alerts';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ state: z.enum(ALERT_STATES).default('open'), owner: z.string().max(300).optional() }).strict();

export const GET = sessionRoute('csm', ({ db, user, request }) => {
  const query = querySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
  const owner = alertOwner(query.owner, user);
  return NextResponse.json({ counts: alertCounts(db, { owner }), alerts: listAlerts(db, { state: query.state, owner }) });
});
