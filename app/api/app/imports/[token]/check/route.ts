import { NextResponse } from 'next/server';
import { importSettingsSchema } from '@/lib/ingest/csv';
import { readJsonBody, sessionRoute } from '@/lib/server/api';
import { importStatus, startCheck } from '@/lib/server/imports/csv-import';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const POST = sessionRoute<{ token: string }>('admin', async ({ db, user, request }, { token }) => {
  const settings = importSettingsSchema.parse(await readJsonBody(request, 64 * 1024));
  await startCheck(db, token, user.pk, settings);
  return NextResponse.json(await importStatus(token, user.pk), { status: 202 });
});
