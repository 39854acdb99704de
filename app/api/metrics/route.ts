/**
 * Prometheus metrics (docs/operations.md, "Metrics and logs"): off unless `TRELLIS_METRICS_TOKEN`
 * (then the scraper sends it as a bearer token) or `TRELLIS_METRICS=open` is set; off, the path
 * answers like any unknown API path.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { getStore } from '@/db/client';
import { answer, bearer, noApiRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { metricsAccess, renderMetrics } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function GET(request: NextRequest): Promise<Response> {
  return answer(request, async () => {
    const access = metricsAccess();
    if (access.kind === 'off') throw noApiRoute(request);
    if (access.kind === 'token') {
      const given = bearer(request);
      // Compared in constant time (digests of equal length), so the answer's timing tells nothing of the token.
      if (!given || !timingSafeEqual(digest(given), digest(access.token))) {
        throw new AppError('unauthorized', 'Send the metrics token as "Authorization: Bearer <TRELLIS_METRICS_TOKEN>"', [], { headers: { 'WWW-Authenticate': 'Bearer realm="Trellis metrics"' } });
      }
    }
    const { contentType, text } = await renderMetrics(await getStore());
    return new Response(text, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
  });
}
