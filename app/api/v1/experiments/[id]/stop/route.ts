import { NextResponse } from 'next/server';
import { apiActor, apiRoute } from '@/lib/server/api';
import { stopExperiment } from '@/lib/server/commands/experiments';
import { getExperiment } from '@/lib/server/queries/experiments';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** Ends the experiment now; its accounts go back to the programme everyone has. */
export const POST = apiRoute<{ id: string }>('admin', async (ctx, { id }) => {
  const stopped = await stopExperiment(ctx.db, decodeURIComponent(id), apiActor(ctx));
  return NextResponse.json(await getExperiment(ctx.db, String(stopped.pk)));
});
