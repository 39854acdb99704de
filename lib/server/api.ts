import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { ZodError, type z } from 'zod';
import { getStore } from '@/db/client';
import { validateBatch } from '@/lib/ingest/schemas';
import { jsonDepth, MAX_JSON_DEPTH } from '@/lib/ingest/json-depth';
import { REQUEST_ID_HEADER } from '@/lib/request-id';
import { scopeAllows, authenticateApiKey, type ApiKeyScope } from './commands/api-keys';
import type { Role } from '@/lib/roles';
import { clientAddress } from './client-address';
import { AppError } from './errors';
import { logger } from './log';
import { apiKeyLimiter } from './rate-limit';
import { requireApiRole, type CurrentUser } from './session';
import type { Store } from '@/lib/server/store';

export interface ApiContext {
  db: Store;
  key: { pk: number; name: string; scope: ApiKeyScope };
  request: NextRequest;
}

export function errorResponse(error: AppError): NextResponse {
  return NextResponse.json(
    { error: { code: error.code, message: error.message, ...(error.details.length ? { details: error.details } : {}) } },
    { status: error.status, headers: error.headers },
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
export async function answer(request: NextRequest, fn: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) return errorResponse(error);
    if (error instanceof ZodError) return errorResponse(new AppError('invalid', 'Invalid request', zodDetails(error)));
    logger.error({ err: error, reqId: request.headers.get(REQUEST_ID_HEADER), method: request.method, path: request.nextUrl.pathname }, 'Route error');
    return errorResponse(new AppError('internal', 'Something went wrong on our side; the error has been logged'));
  }
}

export function bearer(request: NextRequest): string | null {
  const header = request.headers.get('authorization');
  if (!header) return null;
  const [kind, value] = header.split(' ');
  return kind?.toLowerCase() === 'bearer' && value ? value.trim() : null;
}

export type ApiKeyInfo = ApiContext['key'];

/** Who made a change through the API, for the audit log: the key by its name, and the client's address. */
export function apiActor({ key, request }: Pick<ApiContext, 'key' | 'request'>): { actor: string; actorUserPk: null; ip: string | null } {
  return { actor: `apikey:${key.name}`, actorUserPk: null, ip: clientAddress(request.headers) };
}

/**
 * Checks a presented API key: valid and not revoked (401), within its rate limit (429 with
 * Retry-After), and of a scope that allows the call (403). Returns the key and the headers that
 * tell the caller where it stands against the limit.
 */
export async function authorizeKey(db: Store, token: string | null, scope: ApiKeyScope, how = 'Send an API key as "Authorization: Bearer <key>"') {
  if (!token) throw new AppError('unauthorized', how);
  const key = await authenticateApiKey(db, token);
  if (!key) throw new AppError('unauthorized', 'The API key is not valid or has been revoked');
  const limit = apiKeyLimiter().take(`key:${key.pk}`);
  if (!limit.ok) {
    throw new AppError('rate_limited', `Too many requests for this API key; retry in ${limit.retryAfterSeconds} s`, [], {
      headers: { 'Retry-After': String(limit.retryAfterSeconds), 'X-RateLimit-Limit': String(limit.limit), 'X-RateLimit-Remaining': '0' },
    });
  }
  if (!scopeAllows(key.scope, scope)) throw new AppError('forbidden', `This API key has the "${key.scope}" scope; this call needs "${scope}"`);
  const headers = { 'X-RateLimit-Limit': String(limit.limit), 'X-RateLimit-Remaining': String(limit.remaining) };
  return { key: { pk: key.pk, name: key.name, scope: key.scope } as ApiKeyInfo, headers };
}

export function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/**
 * Wraps a route handler: authenticates the API key, applies its rate limit, checks its scope,
 * and turns errors into the documented JSON shape. Unexpected errors are logged and answered
 * without their details.
 */
export function apiRoute<P = Record<string, string>>(
  scope: ApiKeyScope,
  handler: (ctx: ApiContext, params: P) => Promise<Response> | Response,
) {
  return (request: NextRequest, context: { params: Promise<P> }): Promise<Response> =>
    answer(request, async () => {
      const db = await getStore();
      const { key, headers } = await authorizeKey(db, bearer(request), scope);
      return withHeaders(await handler({ db, key, request }, await context.params), headers);
    });
}

/**
 * Reads and validates a batch body: size limit (413), JSON (400), an array of at most `maxItems`
 * items each valid against `schema` (400 listing every bad item with its index and field).
 */
export async function readBatch<T extends z.ZodType>(request: NextRequest, schema: T, limits: { maxItems: number; maxBytes: number }): Promise<z.infer<T>[]> {
  return checkBatch(await readJsonBody(request, limits.maxBytes), schema, limits.maxItems);
}

/** `readBatch` on a body already read. */
export function checkBatch<T extends z.ZodType>(body: unknown, schema: T, maxItems: number): z.infer<T>[] {
  const checked = validateBatch(schema, body, maxItems);
  if (!checked.ok) {
    const bad = new Set(checked.errors.map((e) => e.index ?? -1)).size;
    const what = checked.errors.every((e) => e.index === undefined) ? checked.errors[0]!.message : `${bad} invalid item${bad > 1 ? 's' : ''} in the batch`;
    throw new AppError('invalid', `${what}; nothing was written`, checked.errors);
  }
  return checked.items;
}

/**
 * Parses a query or a body with a strict zod schema, or throws a 400 whose details name each bad
 * field, unknown ones included (one detail per unknown field, its name as the path).
 */
export function parseStrict<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path.map(String), key].join('.'), message: 'unknown field' }))
      : [{ path: issue.path.map(String).join('.') || '(root)', message: issue.message }],
  );
  const fields = [...new Set(details.map((d) => d.path))].join(', ');
  throw new AppError('invalid', `Invalid ${fields}`, details);
}

/** The answer for a path under /api/ that no route serves: 404 in the API's error shape. */
export function noApiRoute(request: NextRequest): AppError {
  const path = request.nextUrl.pathname;
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return new AppError('not_found', `There is no API route at ${request.method} ${shown}; the routes are listed in /api/v1/openapi.json`);
}

/** A boolean query flag: absent is false, `true`/`false` as given, anything else a 400. */
export function booleanParam(request: NextRequest, name: string): boolean {
  const value = request.nextUrl.searchParams.get(name);
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw new AppError('invalid', `?${name} must be true or false`, [{ path: name, message: `must be true or false, got "${value.slice(0, 50)}"` }]);
}

/**
 * Reads a JSON body, refusing more than `maxBytes` (413), malformed JSON and deep nesting (400).
 * `expected` names what an empty body should have held.
 */
export async function readJsonBody(request: NextRequest, maxBytes: number, expected = 'a JSON array'): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new AppError('too_large', `The body is ${declared} bytes; the limit is ${maxBytes}`);
  const reader = request.body?.getReader();
  if (!reader) throw new AppError('invalid', `The body is empty; send ${expected}`);
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
  if (!text.trim()) throw new AppError('invalid', `The body is empty; send ${expected}`);
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new AppError('invalid', `The body nests arrays and objects ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`);
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
  handler: (ctx: { db: Store; user: CurrentUser; request: NextRequest }, params: P) => Promise<Response> | Response,
) {
  return (request: NextRequest, context: { params: Promise<P> }): Promise<Response> =>
    answer(request, async () => {
      const user = await requireApiRole(minRole);
      return handler({ db: await getStore(), user, request }, await context.params);
    });
}
