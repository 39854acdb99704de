import { NextResponse } from 'next/server';
import { sessionRoute } from '@/lib/server/api';
import { importStatus } from '@/lib/server/imports/csv-import';

export const dynamic = 'force-dynamic';

export const GET = sessionRoute<{ token: string }>('admin', ({ user }, { token }) => NextResponse.json(importStatus(token, user.pk)));
