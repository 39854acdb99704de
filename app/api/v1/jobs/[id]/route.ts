import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { getJobView } from '@/lib/server/queries/jobs';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** A background job's state and progress: a publish (`PUT /api/v1/model` answers its id) or an import. */
export const GET = apiRoute<{ id: string }>('read', async ({ db }, { id }) => {
  const job = await getJobView(db, id);
  if (!job) throw new AppError('not_found', `There is no job "${id.slice(0, 40)}"`);
  return NextResponse.json(job);
});
