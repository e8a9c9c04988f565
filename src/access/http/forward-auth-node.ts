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
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { createBoundedMemo } from '../../shared/bounded-memo.js';
import { logRequestEnd, startRequest } from '../../http/request-context.js';
import { rawHeaders } from '../../http/request-header.js';
import { FORWARD_AUTH_HEADERS, type ForwardAuth, type PeerAddress } from './forward-auth.js';

/** Answers the request (itself, or through `app` when it cannot after all) and returns true, or returns false having touched nothing. */
export type NodeFastPath = (incoming: IncomingMessage, outgoing: ServerResponse, app: RequestListener) => boolean;

const PATH = '/oauth2/auth';
const QUERY = 63; // '?'
const HEADERS = [...FORWARD_AUTH_HEADERS, 'x-request-id'];
/**
 * Host headers taken here: a name (underscores too, as in container service names) or an IP
 * literal, and a port — nothing a URL parser could read as path or query (`1?x` parses as host
 * 0.0.0.1 with the request target in its query). Any other Host is the adapter's to accept or refuse.
 */
const PLAIN_HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** A forward-auth decision asked (`GET /oauth2/auth`, with or without a query): what the batching listener lets go first. */
export function isForwardAuthRequest(incoming: IncomingMessage): boolean {
  const target = incoming.url;
  return incoming.method === 'GET' && target !== undefined && target.startsWith(PATH) && (target.length === PATH.length || target.charCodeAt(PATH.length) === QUERY);
}

export function forwardAuthFastPath(forwardAuth: ForwardAuth, remoteAddress: PeerAddress, logger: Logger): NodeFastPath {
  const absoluteUrl = createAbsoluteUrls();
  return (incoming, outgoing, app) => {
    const target = incoming.url;
    if (incoming.method !== 'GET' || target === undefined || !target.startsWith(PATH)) return false;
    if (target.length > PATH.length && target.charCodeAt(PATH.length) !== QUERY) return false;
    const host = incoming.headers.host;
    if (host === undefined || !PLAIN_HOST.test(host)) return false;
    const url = absoluteUrl((incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http', host, target);
    if (url === undefined) return false;
    const headers = rawHeaders(incoming.rawHeaders, HEADERS);
    const request = startRequest(logger, headers[HEADERS.length - 1]);
    let decided;
    try {
      decided = forwardAuth({ headers, url, remoteAddress: remoteAddress(incoming), log: request.log });
    } catch (error) {
      // Nothing is written yet: the app asks again, and logs and answers a failure as every route does.
      request.log.error({ err: error }, 'forward-auth decision failed; handing the request to the app');
      app(incoming, outgoing);
      return true;
    }
    try {
      outgoing.writeHead(decided.status, { ...decided.headers, 'X-Request-Id': request.requestId, 'Content-Length': '0' });
    } catch (error) {
      // Header values are encoded when built (decision-response.ts), so this is a bug; node checked them before sending anything.
      request.log.error({ err: error }, 'forward-auth answer could not be written; handing the request to the app');
      // writeHead sets its reason phrase before it checks the headers; the app's answer must not keep it.
      outgoing.statusMessage = '';
      app(incoming, outgoing);
      return true;
    }
    outgoing.end();
    logRequestEnd(request, 'GET', PATH, decided.status);
    return true;
  };
}

/**
 * The request's absolute URL as @hono/node-server builds it for `c.req.url` (scheme, Host header,
 * request target through WHATWG URL parsing, its Host check), remembered by the raw parts: a
 * proxy sends the same few URLs over and over. Undefined when the adapter would refuse them, or
 * when the parsed URL is not this endpoint.
 */
function createAbsoluteUrls(maxEntries = 1024, maxKeyLength = 2048): (scheme: string, host: string, target: string) => string | undefined {
  // Bounded memo (src/shared/bounded-memo.ts) with no freshness stamp: the answer depends on the raw parts alone.
  const remembered = createBoundedMemo<string | null>({ maxEntries, maxKeyLength });
  return (scheme, host, target) => {
    // NUL occurs in neither a Host header nor a request target: the key's parts cannot run together.
    const key = `${scheme}\u0000${host}\u0000${target}`;
    let href = remembered.get(key);
    if (href === undefined) {
      href = parsedHref(`${scheme}://${host}${target}`, host);
      remembered.set(key, href);
    }
    return href ?? undefined;
  };
}

function parsedHref(raw: string, host: string): string | null {
  try {
    const url = new URL(raw);
    // @hono/node-server refuses a Host header the URL parser read differently (userinfo, paths …).
    if (url.hostname.length !== host.length && url.hostname !== host.replace(/:\d+$/, '')) return null;
    // Belt and braces beside PLAIN_HOST: the path must still be ours.
    if (url.pathname !== PATH) return null;
    return url.href;
  } catch {
    return null;
  }
}
