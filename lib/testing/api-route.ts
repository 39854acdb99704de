/**
 * Calling route handlers in tests as Next.js calls them: a NextRequest with the method, the
 * headers an API client sends and a JSON body, and the route's params.
 */
import { NextRequest } from 'next/server';

export type RouteHandler<P = Record<string, string>> = (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> | Response;

export interface RouteCall<P> {
  /** path and query, e.g. `/api/v1/accounts?limit=5` */
  path: string;
  method?: string;
  /** sent as `Authorization: Bearer <key>` */
  key?: string;
  /** sent as HTTP Basic with the key as the user name (what Segment libraries send) */
  basic?: string;
  /** JSON-encoded unless a string */
  body?: unknown;
  params?: P;
}

/** The answer's status and parsed JSON (loosely typed: tests read into it freely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteAnswer = { status: number; body: any };

export async function callRoute<P = Record<string, string>>(handler: RouteHandler<P>, call: RouteCall<P>): Promise<RouteAnswer> {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (call.key) headers.set('authorization', `Bearer ${call.key}`);
  if (call.basic) headers.set('authorization', `Basic ${Buffer.from(`${call.basic}:`).toString('base64')}`);
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const request = new NextRequest(new URL(call.path, 'http://localhost:3000'), { method: call.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const response = await handler(request, { params: Promise.resolve(call.params ?? ({} as P)) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
