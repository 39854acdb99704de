import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiActor, apiRoute, parseStrict, readJsonBody } from '@/lib/server/api';
import { stopExperiment } from '@/lib/server/commands/experiments';
import { getExperiment } from '@/lib/server/queries/experiments';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const stopSchema = z.strictObject({
  reason: z.string({ error: 'text' }).trim().max(500, 'at most 500 characters').refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no control characters').optional().describe('why it is stopped (kept in the audit log)'),
});

/** Ends the experiment now; its accounts go back to the programme everyone has. */
export const POST = apiRoute<{ id: string }>('admin', async (ctx, { id }) => {
  const body = parseStrict(stopSchema, await readJsonBody(ctx.request, 4 * 1024, 'a JSON object, e.g. {} or { "reason": "…" }'));
  const stopped = await stopExperiment(ctx.db, decodeURIComponent(id), apiActor(ctx), Date.now(), body.reason ?? null);
  return NextResponse.json(await getExperiment(ctx.db, String(stopped.pk)));
});
