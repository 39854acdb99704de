import { NextResponse } from 'next/server';
import { CATALOGUE_LIMITS, triggerItemSchema } from '@/lib/catalogue-schemas';
import { apiActor, apiRoute, readBatch } from '@/lib/server/api';
import { triggerJson } from '@/lib/server/api-shapes';
import { listTriggerCatalogue } from '@/lib/server/commands/catalogue-admin';
import { upsertTriggers } from '@/lib/server/commands/catalogue-batch';

export const dynamic = 'force-dynamic';

/** The trigger catalogue, retired triggers last. */
export const GET = apiRoute('read', async ({ db }) => NextResponse.json({ data: (await listTriggerCatalogue(db)).map(triggerJson) }));

/** Creates or updates triggers by key, as the Triggers page does; atomic. */
export const POST = apiRoute('admin', async (ctx) => {
  const items = await readBatch(ctx.request, triggerItemSchema, CATALOGUE_LIMITS);
  return NextResponse.json(await upsertTriggers(ctx.db, items, apiActor(ctx)));
});
