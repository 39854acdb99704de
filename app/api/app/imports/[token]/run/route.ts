import { NextResponse } from 'next/server';
import { z } from 'zod';
import { readJsonBody, sessionRoute } from '@/lib/server/api';
import { importStatus, startImport } from '@/lib/server/imports/csv-import';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const bodySchema = z.object({ skipInvalid: z.boolean().default(false) }).strict();

export const POST = sessionRoute<{ token: string }>('admin', async ({ db, user, request }, { token }) => {
  const { skipInvalid } = bodySchema.parse(await readJsonBody(request, 1024));
  await startImport(db, token, user.pk, skipInvalid);
  return NextResponse.json(await importStatus(token, user.pk), { status: 202 });
});
