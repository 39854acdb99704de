import { NextResponse } from 'next/server';
import { getStore } from '@/db/client';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

export async function GET() {
  try {
    await (await getStore()).value('SELECT 1');
    return NextResponse.json({ ok: true });
  } catch {
    return NextResponse.json({ ok: false, error: { code: 'unavailable', message: 'The database does not answer' } }, { status: 503 });
  }
}
