import { NextResponse } from 'next/server';
import { apiActor, apiRoute, readJsonBody } from '@/lib/server/api';
import { createExperiment } from '@/lib/server/commands/experiments';
import { listExperiments } from '@/lib/server/queries/experiments';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** The largest definition body (a population of 10,000 account ids fits). */
const MAX_BODY = 2 * 1024 * 1024;

/** Every experiment with its state and accounts per arm. */
export const GET = apiRoute('read', async ({ db }) => NextResponse.json({ data: await listExperiments(db) }));

/** Defines an experiment: its population is assigned to the arms at once (API.md, "Experiments"). */
export const POST = apiRoute('admin', async (ctx) => {
  const body = await readJsonBody(ctx.request, MAX_BODY, 'a JSON object: { key, name, population, arms, startAt }');
  const created = await createExperiment(ctx.db, body, apiActor(ctx));
  return NextResponse.json(created, { status: 201 });
});
