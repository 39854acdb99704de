import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { ZodError } from 'zod';
import { getDb } from '@/db/client';
import type { Db } from '@/db/open';
import { scopeAllows, authenticateApiKey, type ApiKeyScope } from './commands/api-keys';
import type { Role } from '@/lib/roles';
import { AppError } from './errors';
import { requireApiRole, type CurrentUser } from './session';

export interface ApiContext {
  db: Db;
  key: { pk: number; name: string; scope: ApiKeyScope };
  request: NextRequest;
}

export function errorResponse(error: AppError): NextResponse {
  return NextResponse.json(
    { error: { code: error.code, message: error.message, ...(error.details.length ? { details: error.details } : {}) } },
    { status: error.status },
  );
}

/** Turns zod issues into the API's `details` (index of the batch item, path inside it). */
export function zodDetails(error: ZodError, batch = false) {
  return error.issues.map((issue) => {
    const path = [...issue.path];
    const index = batch && typeof path[0] === 'number' ? (path.shift() as number) : undefined;
    return { ...(index !== undefined ? { index } : {}), path: path.map(String).join('.') || '(root)', message: issue.message };
  });
}

/** Runs a handler, turning thrown errors into the documented JSON error shape. Unexpected errors
 * are logged and answered without their details (no stack traces or SQL in answers). */
async function answer(request: NextRequest, fn: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) return errorResponse(error);
    if (error instanceof ZodError) return errorResponse(new AppError('invalid', 'Invalid request', zodDetails(error)));
    console.error('Route error', request.method, request.nextUrl.pathname, error);
    return errorResponse(new AppError('internal', 'Something went wrong on our side; the error has been logged'));
  }
}

function bearer(request: NextRequest): string | null {
  const header = request.headers.get('authorization');
  if (!header) return null;
  const [kind, value] = header.split(' ');
  return kind?.toLowerCase() === 'bearer' && value ? value.trim() : null;
}

/**
 * Wraps a route handler: authenticates the API key, checks its scope, and turns errors into the
 * documented JSON shape. Unexpected errors are logged and answered without their details.
 */
export function apiRoute<P = Record<string, string>>(
  scope: ApiKeyScope,
  handler: (ctx: ApiContext, params: P) => Promise<Response> | Response,
) {
  return (request: NextRequest, context: { params: Promise<P> }): Promise<Response> =>
    answer(request, async () => {
      const db = getDb();
      const token = bearer(request);
      if (!token) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>"');
      const key = authenticateApiKey(db, token);
      if (!key) throw new AppError('unauthorized', 'The API key is not valid or has been revoked');
      if (!scopeAllows(key.scope, scope)) throw new AppError('forbidden', `This API key has the "${key.scope}" scope; this call needs "${scope}"`);
      return handler({ db, key, request }, await context.params);
    });
}

/** Reads a JSON body, refusing more than `maxBytes` (413) and malformed JSON (400). */
export async function readJsonBody(request: NextRequest, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new AppError('too_large', `The body is ${declared} bytes; the limit is ${maxBytes}`);
  const reader = request.body?.getReader();
  if (!reader) throw new AppError('invalid', 'The body is empty; send a JSON array');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AppError('too_large', `The body is over the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new AppError('invalid', 'The body is empty; send a JSON array');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Wraps a route handler the signed-in UI calls (session cookie, not an API key): checks the role,
 * and answers errors in the same JSON shape as the public API.
 */
export function sessionRoute<P = Record<string, string>>(
  minRole: Role,
  handler: (ctx: { db: Db; user: CurrentUser; request: NextRequest }, params: P) => Promise<Response> | Response,
) {
  return (request: NextRequest, context: { params: Promise<P> }): Promise<Response> =>
    answer(request, async () => {
      const user = await requireApiRole(minRole);
      return handler({ db: getDb(), user, request }, await context.params);
    });
}
