/**
 * Responses whose headers stay a plain object all the way to the socket. hono's `c.body(…, headers)`
 * copies headers into an undici `Headers` (validating every value) whenever more than one is
 * given or any was set before, and @hono/node-server then copies them out again, sorted, before
 * node validates them a third time. On the hot paths — forward auth with a 50-group header,
 * SCIM reads — that copying cost more than the decision itself. A `Response` made here carries
 * the request id (src/http/request-context.ts), so the context need not touch it.
 */
import type { Context } from 'hono';
import { markStamped, requestContextOf } from './request-context.js';

export function plainResponse(c: Context, body: string, status: number, headers: Readonly<Record<string, string>>): Response {
  const { requestId } = requestContextOf(c);
  if (requestId === '') return new Response(body, { status, headers: { ...headers } });
  return markStamped(new Response(body, { status, headers: { ...headers, 'X-Request-Id': requestId } }));
}
