/**
 * Request ids: every request the server answers has one, in its `X-Request-Id` request and
 * response headers and in its log lines (lib/server/http-observer.ts sets it). A proxy's or
 * client's own id is kept when it is sane, so one id can follow a request across systems.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable, bounded, and nothing that could break a log line or a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/;

/** The request id for an incoming `X-Request-Id` value: kept when sane, a new UUID otherwise. */
export function requestIdFrom(header: string | readonly string[] | null | undefined): string {
  const value = typeof header === 'string' ? header.trim() : undefined;
  return value && SANE_REQUEST_ID.test(value) ? value : crypto.randomUUID();
}
