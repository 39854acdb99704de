import { NextResponse } from 'next/server';
import { parsePreviewRequest } from '@/lib/model/preview-request';
import { apiRoute, readJsonBody } from '@/lib/server/api';
import { previewModel } from '@/lib/server/queries/model-preview';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** Scores every account with a draft model without publishing it. */
export const POST = apiRoute('admin', async ({ db, request }) => {
  const { model, asOf, horizonDays } = parsePreviewRequest(await readJsonBody(request, 1024 * 1024));
  return NextResponse.json(await previewModel(db, model, { asOf, horizonDays }));
});
