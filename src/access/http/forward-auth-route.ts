/**
 * `GET /oauth2/auth` as a hono route: what `app.request` in tests reaches, and what the server
 * falls back to for requests its node fast path (forward-auth-node.ts) leaves alone.
 */
import type { Hono } from 'hono';
import { nodeRequest } from '../../http/node-request.js';
import { plainResponse } from '../../http/plain-response.js';
import { requestLog } from '../../http/request-context.js';
import { requestHeaders } from '../../http/request-header.js';
import { FORWARD_AUTH_HEADERS, type ForwardAuth, type PeerAddress } from './forward-auth.js';

export function mountForwardAuth(app: Hono, forwardAuth: ForwardAuth, remoteAddress: PeerAddress): void {
  app.get('/oauth2/auth', (c) => {
    const { status, headers } = forwardAuth({ headers: requestHeaders(c, FORWARD_AUTH_HEADERS), url: c.req.url, remoteAddress: remoteAddress(nodeRequest(c)), log: requestLog(c) });
    // An empty body of '' rather than null: the node adapter's fast path only takes string (or
    // byte) bodies; a null one was rebuilt as a fetch Response (re-validating every header, the
    // long group lists included) and sent chunked. Now: Content-Length: 0.
    return plainResponse(c, '', status, headers);
  });
}
