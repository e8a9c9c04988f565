/**
 * `/oauth2/auth`: the forward-auth endpoint nginx `auth_request` (and Traefik/Caddy forward
 * auth) calls for every proxied request. The original URL is taken from proxy headers only
 * when the TCP peer is a trusted proxy; the route's groups and any `allowed_groups=a,b` query
 * parameter (oauth2-proxy's) are policy criteria that must all hold (src/access/policy). decision-response.ts maps
 * the outcome to 202/401/403.
 */
import type { Context, Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { RequestContextVariables } from '../../http/request-context.js';
import { requestHeader } from '../../http/request-header.js';
import { originalRequestUrl } from '../forwarded.js';
import { decisionResponse } from './decision-response.js';
import type { SignInContext } from './sign-in-routes.js';

type Env = { Variables: RequestContextVariables };

export function mountForwardAuth(app: Hono<Env>, { deps, cookies }: SignInContext): void {
  const remoteAddress = deps.remoteAddress ?? socketAddress;
  app.get('/oauth2/auth', (c) => {
    const original = originalRequestUrl(
      { headers: { get: (name) => requestHeader(c, name) ?? null }, remoteAddress: remoteAddress(c), url: c.req.url },
      deps.trustedProxies,
    );
    if (original.source === 'malformed') {
      c.var.log.warn({ reason: 'a trusted proxy sent an unusable original URL' }, 'forward-auth refused');
      return decisionResponse(c, { outcome: 'unauthorized', reasons: ['original-url-invalid'] });
    }
    const policy = deps.policyFor(original.url, authQuery(c.req.url));
    if (!policy.ok) {
      c.var.log.warn({ code: policy.error.code, reason: policy.error.message }, 'forward-auth policy refused');
      return decisionResponse(c, { outcome: 'unauthorized', reasons: ['policy-invalid'] });
    }
    const decision = deps.decider.decide({ secret: cookies.readSession(c), policy: policy.value });
    if (decision.outcome !== 'allow') {
      c.var.log.debug({ outcome: decision.outcome, reasons: decision.reasons, host: original.url.host, path: original.url.pathname }, 'access denied');
    }
    return decisionResponse(c, decision);
  });
}

/** The auth subrequest's own raw query (what `new URL(url).search` holds, without `?`), without parsing the whole URL. */
function authQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const end = url.indexOf('#', start);
  return end === -1 ? url.slice(start + 1) : url.slice(start + 1, end);
}

/** The node socket's peer; undefined outside @hono/node-server (e.g. app.request in tests). */
function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
