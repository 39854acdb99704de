import { NextResponse } from 'next/server';
import { sessionRoute } from '@/lib/server/api';
import { getJob } from '@/lib/server/commands/jobs';
import { AppError } from '@/lib/server/errors';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** A job's progress, polled by the page that started it (publishing a model). */
export const GET = sessionRoute<{ pk: string }>('admin', async ({ db }, { pk }) => {
  const job = Number.isInteger(Number(pk)) ? await getJob(db, Number(pk)) : null;
  if (!job) throw new AppError('not_found', `No job ${pk}`);
  return NextResponse.json({ pk: job.pk, kind: job.kind, status: job.status, progress: job.progress, message: job.message, startedAt: job.startedAt, finishedAt: job.finishedAt });
});
