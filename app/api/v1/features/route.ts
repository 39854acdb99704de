import { NextResponse } from 'next/server';
import { CATALOGUE_LIMITS, featureItemSchema } from '@/lib/catalogue-schemas';
import { apiActor, apiRoute, readBatch } from '@/lib/server/api';
import { featureJson } from '@/lib/server/api-shapes';
import { listFeatureCatalogue } from '@/lib/server/commands/catalogue-admin';
import { upsertFeatures } from '@/lib/server/commands/catalogue-batch';

export const dynamic = 'force-dynamic';

/** The feature catalogue (what the adoption measure weighs), retired features last. */
export const GET = apiRoute('read', async ({ db }) => NextResponse.json({ data: (await listFeatureCatalogue(db)).map(featureJson) }));

/** Creates or updates features by key, as the Triggers page does; atomic. A change that moves scores starts their recompute (`job`). */
export const POST = apiRoute('admin', async (ctx) => {
  const items = await readBatch(ctx.request, featureItemSchema, CATALOGUE_LIMITS);
  const { upserted, job } = await upsertFeatures(ctx.db, items, apiActor(ctx));
  return NextResponse.json({ upserted, job: job === null ? null : { id: String(job) } });
});
