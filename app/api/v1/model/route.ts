import { NextResponse } from 'next/server';
import { apiRoute, readJsonBody } from '@/lib/server/api';
import { ensureLiveModel, insertModelVersion } from '@/lib/server/commands/model';
import { startPublishJob } from '@/lib/server/commands/model-job';
import { AppError } from '@/lib/server/errors';
import { getModelVersion } from '@/lib/server/queries/model';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = apiRoute('read', async ({ db }) => {
  const live = await ensureLiveModel(db);
  return NextResponse.json({ version: live.version, publishedAt: new Date(live.publishedAt).toISOString(), author: live.author, note: live.note, model: live.model });
});

/**
 * Publishes a model: the body is the model JSON, or `{ model, note }`. Answers once the version
 * is stored: 202 with the job recomputing scores and history in the background, or 200 when there
 * was nothing to recompute.
 */
export const PUT = apiRoute('admin', async ({ db, request, key }) => {
  const body = await readJsonBody(request, 1024 * 1024);
  const wrapped = typeof body === 'object' && body !== null && 'model' in body && !('dimensions' in body);
  const { model, note } = wrapped ? (body as { model: unknown; note?: unknown }) : { model: body, note: undefined };
  if (note !== undefined && note !== null && typeof note !== 'string') {
    throw new AppError('invalid', 'The note must be a string', [{ path: 'note', message: 'must be a string' }]);
  }
  if (typeof note === 'string' && note.length > 500) {
    throw new AppError('invalid', 'The note is too long', [{ path: 'note', message: 'must be at most 500 characters' }]);
  }
  const version = await insertModelVersion(db, { model, note: (note as string | undefined) ?? null, author: `apikey:${key.name}` });
  const { job, done } = await startPublishJob(db, version, null);
  const live = (await getModelVersion(db, version))!;
  return NextResponse.json(
    { version: live.version, publishedAt: new Date(live.publishedAt).toISOString(), author: live.author, note: live.note, model: live.model, job: { id: String(job) } },
    { status: done ? 200 : 202 },
  );
});
