/**
 * Every request the server answers, pages, server actions, the API and static files alike: its
 * request id, one log line and its metrics. It listens on Node's HTTP diagnostics channels, so
 * it sees the request before Next.js does and the answer once it is sent, whatever code answered.
 *
 * - Request id: a sane incoming `X-Request-Id` (a proxy's or the client's) is kept, otherwise one
 *   is made; it is put on the request (proxy.ts, pages and route handlers read it there) and on
 *   the response, before Next handles the request.
 * - Log line (lib/server/log.ts): method, route template, path, status, ms, request id. Next's
 *   build assets, public files and successful health checks are logged at `debug` only.
 * - Metrics (lib/server/metrics.ts): count and duration by method, route template and status.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER, requestIdFrom } from '@/lib/request-id';
import { logger } from './log';
import { recordRequest } from './metrics';
import { loadRouteTable, routeLabel, UNMATCHED, type RouteTable } from './route-label';

/** Routes whose successful requests are logged at debug: assets, and the balancer's health checks. */
function quiet(route: string, status: number): boolean {
  return route.startsWith('/_next/') || (route === '/api/health' && status < 400) || (!route.startsWith('/api/') && /\.[a-z0-9]+$/i.test(route) && status < 400);
}

export interface ObserverOptions {
  /** the route templates (default: the app's, `loadRouteTable`) */
  routes?: () => RouteTable;
}

/** The route table; a development server's app changes as one works on it, so there it is read again every few seconds. */
function appRouteTable(): () => RouteTable {
  let table = loadRouteTable();
  let loadedAt = Date.now();
  return () => {
    if (process.env.NODE_ENV === 'development' && Date.now() - loadedAt > 2_000) {
      table = loadRouteTable();
      loadedAt = Date.now();
    }
    return table;
  };
}

/** Starts a request's observation: its id now, its log line and metrics once it is answered. */
export function observeRequest(request: IncomingMessage, response: ServerResponse, routes: () => RouteTable): void {
  const started = performance.now();
  const id = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
  request.headers[REQUEST_ID_HEADER] = id;
  if (!response.headersSent) response.setHeader(REQUEST_ID_HEADER, id);
  response.once('close', () => {
    const ms = performance.now() - started;
    let route = UNMATCHED;
    try {
      route = routeLabel(routes(), request.url);
    } catch {
      // a label is never worth failing over
    }
    const method = request.method ?? 'GET';
    // Closed before the answer was complete: the client went away (or the socket broke).
    const finished = response.writableFinished;
    const status = finished ? String(response.statusCode) : 'aborted';
    recordRequest(method, route, status, ms / 1000);
    const path = (request.url ?? '/').split('?')[0];
    const line = { reqId: id, method, route, path, status: finished ? response.statusCode : null, ms: Math.round(ms * 10) / 10, ...(finished ? {} : { aborted: true }) };
    if (finished && response.statusCode >= 500) logger.error(line, 'request');
    else if (finished && quiet(route, response.statusCode)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  });
}

const CHANNEL = 'http.server.request.start';

/** Observes every request of this process's HTTP servers until the answered function is called. */
export function observeHttpServer(options: ObserverOptions = {}): () => void {
  const routes = options.routes ?? appRouteTable();
  const listener = (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    try {
      observeRequest(request, response, routes);
    } catch (error) {
      logger.warn({ err: error }, 'Could not observe a request');
    }
  };
  subscribe(CHANNEL, listener);
  return () => void unsubscribe(CHANNEL, listener);
}

const holder = globalThis as unknown as { trellisHttpObserver?: boolean };

/** The server's observer (instrumentation.ts): started once per process. */
export function startHttpObserver(): void {
  if (holder.trellisHttpObserver) return;
  holder.trellisHttpObserver = true;
  observeHttpServer();
}
