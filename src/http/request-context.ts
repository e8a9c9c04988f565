/**
 * Per-request context: a request id (from a well-formed X-Request-Id, else a fresh one), a logger
 * carrying it, the id on every response, and one structured access-log line when the response is
 * ready. Headers are never logged wholesale, so tokens and cookies cannot leak.
 *
 * Fresh ids are 96 random bits in base64url (`q3J9xQ2mWfE-Tk1z`), cut from a pool refilled every
 * 256 requests: a UUID formatted per request was a measurable cost on the hot paths
 * (bench/README.md), and a counter
 * would tell anyone who asks twice how busy the server is.
 *
 * It wraps the app's `fetch` instead of being a hono middleware: any middleware on a route
 * makes hono run it through its async compose, and the node adapter then takes its promise path
 * for the answer. On forward auth — a route with one synchronous handler, asked on every
 * proxied request — that alone cost more than the decision (see bench/README.md). The context
 * travels on the Request object itself (under a symbol): one per request, whoever calls `fetch`.
 */
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { silentLogger } from './logger.js';
import { nodeRequestOf } from './node-request.js';
import { rawHeader } from './request-header.js';
import { createRequestLog, type RequestLog } from './request-log.js';
import { randomIdPool } from '../shared/random-ids.js';

export interface RequestContext {
  requestId: string;
  log: RequestLog;
}

const CONTEXT = Symbol('scimgate.requestContext');
const STAMPED = Symbol('scimgate.requestIdStamped');
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type Carrier = Request & { [CONTEXT]?: RequestContext };

const freshRequestId = randomIdPool(12);
type Fetch = (request: Request, env?: unknown, ...rest: never[]) => Response | Promise<Response>;

/** A request's context as it starts: its id (the caller's, when well-formed), its logger, its start time. */
export interface StartedRequest extends RequestContext {
  started: number;
}

export function startRequest(logger: Logger, incomingId: string | null | undefined): StartedRequest {
  const requestId = incomingId != null && REQUEST_ID.test(incomingId) ? incomingId : freshRequestId();
  return { requestId, log: createRequestLog(logger, requestId), started: performance.now() };
}

/** The access line for a finished request (one per request, at info; failures at error). */
export function logRequestEnd(request: StartedRequest, method: string, path: string, status: number): void {
  const level = status >= 500 ? 'error' : 'info';
  if (!request.log.enabled(level)) return;
  const entry = { method, path, status, ms: Math.round((performance.now() - request.started) * 100) / 100 };
  if (status >= 500) request.log.error(entry, 'request failed');
  else request.log.info(entry, 'request');
}

/** `fetch` with a request context set up before it and the id and access line added after. */
export function withRequestContext<F extends Fetch>(fetch: F, logger: Logger): F {
  const wrapped = (request: Request, env?: unknown, ...rest: never[]) => {
    const started = startRequest(logger, incomingRequestId(request, env));
    (request as Carrier)[CONTEXT] = started;
    const response = fetch(request, env, ...rest);
    return response instanceof Promise ? response.then((r) => finish(r, request, started)) : finish(response, request, started);
  };
  return wrapped as F;
}

type Stampable = Response & { [STAMPED]?: true };

/** Marks a response built with the request id already in its headers (the mark lives on the object: no WeakSet churn per request). */
export function markStamped(response: Response): Response {
  (response as Stampable)[STAMPED] = true;
  return response;
}

function finish(response: Response, request: Request, started: StartedRequest): Response {
  // plainResponse answers carry the id already; touching their headers here would rebuild
  // them as fetch Headers (src/http/plain-response.ts).
  if ((response as Stampable)[STAMPED] !== true) response.headers.set('X-Request-Id', started.requestId);
  logRequestEnd(started, request.method, pathOf(request.url), response.status);
  return response;
}

const fallback: RequestContext = { requestId: '', log: createRequestLog(silentLogger(), '') };

/** The request's context; outside withRequestContext (a bare sub-app in a test) a silent one. */
export function requestContextOf(c: Context): RequestContext {
  return (c.req.raw as Carrier)[CONTEXT] ?? fallback;
}

export function requestLog(c: Context): RequestLog {
  return requestContextOf(c).log;
}

/** The caller's X-Request-Id: from the node request's raw headers when served by node (cheaper than fetch Headers). */
function incomingRequestId(request: Request, env: unknown): string | null {
  const raw = nodeRequestOf(env)?.rawHeaders;
  return raw === undefined ? request.headers.get('x-request-id') : (rawHeader(raw, 'x-request-id') ?? null);
}

function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const end = url.indexOf('?', start);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}
