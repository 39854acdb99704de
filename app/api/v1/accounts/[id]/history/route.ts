import { NextResponse } from 'next/server';
import { z } from 'zod';
import { DAY_MS } from '@/lib/server/aggregates';
import { apiRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { findAccountPk } from '@/lib/server/queries/accounts';
import { getAccountHistory } from '@/lib/server/queries/account-detail';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const date = z.iso.date({ message: 'Use a date like 2026-03-01' }).or(z.iso.datetime({ offset: true, message: 'Use a date like 2026-03-01' }));
const querySchema = z.object({ from: date.optional(), to: date.optional() }).strict();

export const GET = apiRoute<{ id: string }>('read', async ({ db, request }, { id }) => {
  const query = querySchema.parse(dictFrom(request.nextUrl.searchParams));
  const pk = await findAccountPk(db, decodeURIComponent(id));
  if (pk === null) throw new AppError('not_found', `No account with id "${id}"`);
  const day = (s: string) => Math.floor(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s) / DAY_MS);
  const toDay = query.to ? day(query.to) : Math.floor(Date.now() / DAY_MS);
  const fromDay = query.from ? day(query.from) : toDay - 365;
  if (fromDay > toDay) throw new AppError('invalid', '"from" is after "to"', [{ path: 'from', message: 'must not be after "to"' }]);
  const rows = await getAccountHistory(db, pk, fromDay, toDay);
  return NextResponse.json(
    rows.map((r) => ({
      date: new Date(r.day * DAY_MS).toISOString().slice(0, 10),
      score: r.score,
      band: r.band,
      dimensions: r.dimensions ? JSON.parse(r.dimensions) : null,
      modelVersion: r.model_version,
    })),
  );
});
