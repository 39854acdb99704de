import { NextResponse } from 'next/server';
import { sessionRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { MAX_UPLOAD_BYTES, saveUpload } from '@/lib/server/imports/csv-import';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** The raw file as the body (`?filename=` names it); answers the token the next steps use. */
export const POST = sessionRoute('admin', async ({ db, user, request }) => {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_UPLOAD_BYTES) throw new AppError('too_large', `The file is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it into smaller files`);
  if (!request.body) throw new AppError('invalid', 'The file is empty');
  const token = await saveUpload(db, request.body, { filename: request.nextUrl.searchParams.get('filename') ?? 'upload.csv', userPk: user.pk, actor: user.email });
  return NextResponse.json({ token }, { status: 201 });
});
