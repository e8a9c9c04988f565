/**
 * Responses whose headers stay a plain object all the way to the socket. hono's `c.body(…, headers)`
 * copies headers into an undici `Headers` (validating every value) whenever more than one is
 * given or any was set before, and @hono/node-server then copies them out again, sorted, before
 * node validates them a third time. On the hot paths — forward auth with a 50-group header,
 * SCIM reads — that copying cost more than the decision itself. A `Response` made here carries
 * the request id (set by src/http/request-context.ts) so the middleware need not touch it.
 */
import type { Context } from 'hono';

/** A mark on the response itself: a WeakSet of one young object per request kept the GC's ephemeron barrier busy. */
const PLAIN = Symbol('scimgate.plainResponse');

export function plainResponse(c: Context, body: string, status: number, headers: Record<string, string>): Response {
  const requestId = c.get('requestId') as string | undefined;
  const response = new Response(body, { status, headers: requestId === undefined ? headers : { ...headers, 'X-Request-Id': requestId } });
  (response as Response & { [PLAIN]?: true })[PLAIN] = true;
  return response;
}

/** True for responses from plainResponse: they already carry the request id. */
export function isPlainResponse(response: Response): boolean {
  return (response as Response & { [PLAIN]?: true })[PLAIN] === true;
}
