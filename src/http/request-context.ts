/**
 * Per-request context: a request id (from a well-formed X-Request-Id, else a fresh UUID),
 * a child logger carrying it, and one structured access-log line when the response is ready.
 * Headers are never logged wholesale, so tokens and cookies cannot leak into logs.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { isPlainResponse } from './plain-response.js';
import { requestHeader } from './request-header.js';
import { createRequestLog, type RequestLog } from './request-log.js';

export interface RequestContextVariables {
  requestId: string;
  log: RequestLog;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(logger: Logger): MiddlewareHandler<{ Variables: RequestContextVariables }> {
  return async (c, next) => {
    const incoming = requestHeader(c, 'x-request-id');
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = createRequestLog(logger, requestId);
    c.set('requestId', requestId);
    c.set('log', log);
    const started = performance.now();
    await next();
    // Hot paths answer with plainResponse, which carries the id already; stamping those here
    // would rebuild their headers as fetch Headers (src/http/plain-response.ts).
    if (!isPlainResponse(c.res)) c.res.headers.set('X-Request-Id', requestId);
    const status = c.res.status;
    const level = status >= 500 ? 'error' : 'info';
    if (!log.enabled(level)) return;
    const entry = { method: c.req.method, path: c.req.path, status, ms: Math.round((performance.now() - started) * 100) / 100 };
    if (status >= 500) log.error(entry, 'request failed');
    else log.info(entry, 'request');
  };
}
