/**
 * `GET /oauth2/auth` answered straight from node's request and response objects, before hono
 * and @hono/node-server see it. A proxy asks this on every request it proxies, and on 2 shared
 * cores the framework's share of one answer — a fetch-style Request with its parsed URL, the
 * router, a Response and the adapter's copy of it — was as large as the decision itself
 * (bench/README.md). The answer is the same one the hono route gives (forward-auth-route.ts):
 * the same ForwardAuth, request id and access line; test/access/http/forward-auth-node.test.ts
 * compares the two over real sockets.
 *
 * Anything unusual is left to the hono route, which then answers as it always did: other
 * methods (HEAD), absolute-form request targets, a missing or unusable Host header, and a
 * decision that throws (the route logs it and answers 500).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { logRequestEnd, startRequest } from '../../http/request-context.js';
import { rawHeaders } from '../../http/request-header.js';
import { FORWARD_AUTH_HEADERS, type ForwardAuth } from './forward-auth.js';

/** Answers the request and returns true, or returns false having touched nothing. */
export type NodeFastPath = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

const PATH = '/oauth2/auth';
const QUERY = 63; // '?'
const HEADERS = [...FORWARD_AUTH_HEADERS, 'x-request-id'];

export function forwardAuthFastPath(forwardAuth: ForwardAuth, logger: Logger): NodeFastPath {
  const absoluteUrl = createAbsoluteUrls();
  return (incoming, outgoing) => {
    const target = incoming.url;
    if (incoming.method !== 'GET' || target === undefined || !target.startsWith(PATH)) return false;
    if (target.length > PATH.length && target.charCodeAt(PATH.length) !== QUERY) return false;
    const host = incoming.headers.host;
    if (!host) return false;
    const url = absoluteUrl((incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http', host, target);
    if (url === undefined) return false;
    const values = rawHeaders(incoming.rawHeaders, HEADERS);
    const request = startRequest(logger, values[HEADERS.length - 1]);
    let answer;
    try {
      answer = forwardAuth({ headers: values, url, remoteAddress: incoming.socket.remoteAddress, log: request.log });
    } catch {
      // Nothing is written yet: the hono route asks again, and logs and answers a failure as every route does.
      return false;
    }
    outgoing.writeHead(answer.status, { ...answer.headers, 'X-Request-Id': request.requestId, 'Content-Length': '0' });
    outgoing.end();
    logRequestEnd(request, 'GET', PATH, answer.status);
    return true;
  };
}

/**
 * The request's absolute URL as @hono/node-server builds it for `c.req.url` (scheme, Host header,
 * request target through WHATWG URL parsing, its Host check), remembered by the raw parts: a
 * proxy sends the same few URLs over and over. Undefined when the adapter would refuse them.
 */
function createAbsoluteUrls(maxEntries = 1024, maxKeyLength = 2048): (scheme: string, host: string, target: string) => string | undefined {
  const remembered = new Map<string, string | null>();
  return (scheme, host, target) => {
    const raw = `${scheme}://${host}${target}`;
    let href = remembered.get(raw);
    if (href === undefined) {
      href = parsedHref(raw, host);
      if (raw.length <= maxKeyLength) {
        if (remembered.size >= maxEntries) remembered.clear();
        remembered.set(raw, href);
      }
    }
    return href ?? undefined;
  };
}

function parsedHref(raw: string, host: string): string | null {
  try {
    const url = new URL(raw);
    // @hono/node-server refuses a Host header the URL parser read differently (userinfo, paths …).
    if (url.hostname.length !== host.length && url.hostname !== host.replace(/:\d+$/, '')) return null;
    return url.href;
  } catch {
    return null;
  }
}
