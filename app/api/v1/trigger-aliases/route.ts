import { NextResponse } from 'next/server';
import { CATALOGUE_LIMITS, triggerAliasItemSchema } from '@/lib/catalogue-schemas';
import { apiActor, apiRoute, readBatch } from '@/lib/server/api';
import { upsertTriggerAliases } from '@/lib/server/commands/catalogue-batch';
import { listAliases } from '@/lib/server/queries/triggers';

export const dynamic = 'force-dynamic';

/** Incoming event names (e.g. Segment track names) and the trigger each is recorded as. */
export const GET = apiRoute('read', async ({ db }) => NextResponse.json({ data: (await listAliases(db)).map((a) => ({ name: a.name, trigger: a.triggerKey })) }));

/** Maps event names to triggers (re-mapping names mapped before), as the Triggers page does; atomic. */
export const POST = apiRoute('admin', async (ctx) => {
  const items = await readBatch(ctx.request, triggerAliasItemSchema, CATALOGUE_LIMITS);
  return NextResponse.json(await upsertTriggerAliases(ctx.db, items, apiActor(ctx)));
});
