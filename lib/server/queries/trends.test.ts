/** Date parameters of the trends and preview requests: bad or far-off dates are a 400 naming the field, never a 500. */
import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { trendQuerySchema } from '@/lib/analytics/params';
import { parsePreviewRequest } from '@/lib/model/preview-request';
import { describeEngines } from '@/lib/testing/engines';
import { answer } from '../api';
import { prepareDatabase } from '../commands/catalogue';
import { AppError } from '../errors';
import { portfolioTrends } from './trends';

describeEngines('trend dates', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
  });

  /** What the trends route answers for a query string (the route's own parsing, the shared error handling). */
  async function trendsAnswer(search: string) {
    const request = new NextRequest(`http://localhost/api/app/trends?${search}`);
    const res = await answer(request, async () => Response.json(await portfolioTrends(t.store, trendQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams)))));
    return { status: res.status, body: await res.json() };
  }

  it('answers 400 naming "from" for a date before 1970', async () => {
    const { status, body } = await trendsAnswer('from=0001-01-01');
    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: 'from', message: 'Use a date between 1970-01-01 and 2999-12-31' }]);
  });

  it('answers 400 naming "from" for a period longer than ten years', async () => {
    const { status, body } = await trendsAnswer('from=1970-01-01&to=2026-01-01');
    expect(status).toBe(400);
    expect(body.error.details[0].path).toBe('from');
  });

  it('answers 400 for an impossible date and 200 for a sensible period', async () => {
    expect((await trendsAnswer('to=2026-99-99')).body.error.details[0].path).toBe('to');
    const ok = await trendsAnswer('from=2025-01-01&to=2026-01-01');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ from: '2025-01-01', to: '2026-01-01' });
  });
});

describe('preview dates', () => {
  it.each(['2026-99-99', '2026-02-30', '0001-01-01', '26-01-01'])('refuses asOf=%s, naming asOf', (asOf) => {
    const error = (() => {
      try {
        parsePreviewRequest({ model: {}, asOf });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details[0]!.path).toBe('asOf');
  });

  it('accepts a real date', () => {
    expect(parsePreviewRequest({ model: {}, asOf: '2026-02-28' })).toEqual({ model: {}, asOf: '2026-02-28' });
  });
});
