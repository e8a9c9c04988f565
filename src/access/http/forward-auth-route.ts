/**
 * `/oauth2/auth`: the forward-auth endpoint nginx `auth_request` (and Traefik/Caddy forward
 * auth) calls for every proxied request. The original URL is taken from proxy headers only
 * when the TCP peer is a trusted proxy; the route's groups and any `allowed_groups=a,b` query
 * parameter (oauth2-proxy's) are policy criteria that must all hold (src/access/policy). decision-response.ts maps
 * the outcome to 202/401/403.
 */
import type { Context, Hono } from 'hono';
import { requestLog } from '../../http/request-context.js';
import { requestHeaders } from '../../http/request-header.js';
import { createAuthTargetResolver, PROXY_HEADERS } from './auth-target.js';
import { decisionResponder } from './decision-response.js';
import type { SignInContext } from './sign-in-routes.js';

export function mountForwardAuth(app: Hono, { deps, cookies }: SignInContext): void {
  const remoteAddress = deps.remoteAddress ?? socketAddress;
  const targetOf = createAuthTargetResolver(deps.trustedProxies, deps.policyFor);
  const decisionResponse = decisionResponder({ groupIdsHeader: deps.groupIdsHeader });
  app.get('/oauth2/auth', (c) => {
    const [cookie, ...proxyHeaders] = requestHeaders(c, AUTH_HEADERS);
    const { original, policy } = targetOf({ remoteAddress: remoteAddress(c), url: c.req.url, proxyHeaders });
    if (!policy) {
      requestLog(c).warn({ reason: 'a trusted proxy sent an unusable original URL' }, 'forward-auth refused');
      return decisionResponse(c, { outcome: 'unauthorized', reasons: ['original-url-invalid'] });
    }
    if (!policy.ok) {
      requestLog(c).warn({ code: policy.error.code, reason: policy.error.message }, 'forward-auth policy refused');
      return decisionResponse(c, { outcome: 'unauthorized', reasons: ['policy-invalid'] });
    }
    const decision = deps.decider.decide({ secret: cookies.sessionFrom(cookie), policy: policy.value });
    if (decision.outcome !== 'allow') {
      requestLog(c).debug({ outcome: decision.outcome, reasons: decision.reasons, host: original.url.host, path: original.url.pathname }, 'access denied');
    }
    return decisionResponse(c, decision);
  });
}

/** Every header a decision reads, in one pass over the request's raw headers. */
const AUTH_HEADERS = ['cookie', ...PROXY_HEADERS];

/**
 * The node socket's peer; undefined outside @hono/node-server (e.g. app.request in tests). Read
 * from the socket directly: getConnInfo builds two objects per call to hand back one string.
 */
function socketAddress(c: Context): string | undefined {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}
