import { NextResponse } from 'next/server';
import { parsePreviewRequest } from '@/lib/model/preview-request';
import { readJsonBody, sessionRoute } from '@/lib/server/api';
import { previewModel } from '@/lib/server/queries/model-preview';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** The model editor's live preview (the same computation as POST /api/v1/model/preview). */
export const POST = sessionRoute('admin', async ({ db, request }) => {
  const { model, asOf, horizonDays } = parsePreviewRequest(await readJsonBody(request, 1024 * 1024));
  return NextResponse.json(await previewModel(db, model, { asOf, horizonDays }));
});
