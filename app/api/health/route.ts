import { NextResponse } from 'next/server';
import { getDb } from '@/db/client';

export const dynamic = 'force-dynamic';

export function GET() {
  try {
    getDb().$client.prepare('select 1').get();
    return NextResponse.json({ ok: true });
  } catch {
    return NextResponse.json({ ok: false, error: { code: 'unavailable', message: 'The database does not answer' } }, { status: 503 });
  }
}
