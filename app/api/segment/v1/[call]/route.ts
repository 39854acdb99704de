import { NextResponse, type NextRequest } from 'next/server';
import { getStore } from '@/db/client';
import { INGEST_LIMITS } from '@/lib/ingest/limits';
import { SEGMENT_CALLS, segmentBatchSchema, type SegmentCall } from '@/lib/ingest/segment';
import { answer, authorizeKey, booleanParam, readJsonBody, withHeaders, zodDetails } from '@/lib/server/api';
import { ingestSegment } from '@/lib/server/commands/segment';
import { AppError } from '@/lib/server/errors';
import { countedIngest } from '@/lib/server/metrics';
import { rescoreSoon } from '@/lib/server/rescore-drainer';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const HOW = 'Send your ingest API key as the HTTP Basic user name (the Segment "write key"), e.g. curl -u "$KEY:"';

/** The write key: HTTP Basic user name (what Segment libraries send), or a Bearer token. */
function writeKey(request: NextRequest): string | null {
  const header = request.headers.get('authorization');
  if (!header) return null;
  const [kind, value] = header.split(' ');
  if (kind?.toLowerCase() === 'bearer') return value?.trim() || null;
  if (kind?.toLowerCase() !== 'basic' || !value) return null;
  const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Segment sends "key:"; some tools put the key in the password instead.
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return user || password || null;
}

function callsOf(call: SegmentCall, body: unknown): { calls: unknown[]; context: Record<string, unknown> | null } {
  if (call === 'batch') {
    const parsed = segmentBatchSchema.safeParse(body);
    if (!parsed.success) throw new AppError('invalid', 'The body must be { "batch": [calls] }; nothing was written', zodDetails(parsed.error));
    const { maxItems } = INGEST_LIMITS.segment;
    if (parsed.data.batch.length > maxItems) throw new AppError('invalid', `At most ${maxItems} calls per batch, got ${parsed.data.batch.length}`, [{ path: 'batch', message: `at most ${maxItems} calls` }]);
    if (!parsed.data.batch.length) throw new AppError('invalid', 'The batch is empty', [{ path: 'batch', message: 'must not be empty' }]);
    return { calls: parsed.data.batch, context: parsed.data.context ?? null };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('invalid', `The body must be one ${call} call (a JSON object)`);
  const given = (body as { type?: unknown }).type;
  if (given !== undefined && given !== call) throw new AppError('invalid', `This is the ${call} endpoint; the call says type "${String(given)}"`, [{ path: 'type', message: `must be "${call}" or left out` }]);
  return { calls: [{ ...body, type: call }], context: null };
}

export function POST(request: NextRequest, context: { params: Promise<{ call: string }> }): Promise<Response> {
  return answer(request, async () => {
    const { call } = await context.params;
    if (!(SEGMENT_CALLS as readonly string[]).includes(call)) {
      throw new AppError('not_found', `No Segment call "${call}"; use ${SEGMENT_CALLS.map((c) => `/api/segment/v1/${c}`).join(', ')}`);
    }
    const db = await getStore();
    let authorized;
    try {
      authorized = await authorizeKey(db, writeKey(request), 'ingest', HOW);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') {
        throw new AppError('unauthorized', error.message, [], { headers: { 'WWW-Authenticate': 'Basic realm="Trellis", charset="UTF-8"' } });
      }
      throw error;
    }
    const createAccounts = booleanParam(request, 'createAccounts');
    const result = await countedIngest(
      'segment',
      async (seen) => {
        const body = await readJsonBody(request, INGEST_LIMITS.segment.maxBytes);
        seen(call === 'batch' ? (body as { batch?: unknown } | null)?.batch : 1);
        const { calls, context: batchContext } = callsOf(call as SegmentCall, body);
        return ingestSegment(db, calls, { context: batchContext, createAccounts });
      },
      (r) => ({ accepted: r.events, duplicates: r.duplicates }),
    );
    if (result.events) await rescoreSoon(db);
    return withHeaders(NextResponse.json({ success: true, ...result }), authorized.headers);
  });
}
