import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { getExperiment } from '@/lib/server/queries/experiments';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** One experiment (by id or key): its definition, state and assignment per arm and stratum. */
export const GET = apiRoute<{ id: string }>('read', async ({ db }, { id }) => {
  const experiment = await getExperiment(db, decodeURIComponent(id));
  if (!experiment) throw new AppError('not_found', `There is no experiment "${id.slice(0, 60)}"`);
  return NextResponse.json(experiment);
});
