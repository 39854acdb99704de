import { NextResponse } from 'next/server';
import { sessionRoute } from '@/lib/server/api';
import { importStatus } from '@/lib/server/imports/csv-import';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export const GET = sessionRoute<{ token: string }>('admin', async ({ user }, { token }) => NextResponse.json(await importStatus(token, user.pk)));
