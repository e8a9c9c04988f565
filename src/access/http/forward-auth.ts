/**
 * The forward-auth question nginx `auth_request` (and Traefik/Caddy forward auth) asks for every
 * proxied request, answered without any HTTP framework: the original URL is taken from proxy
 * headers only when the TCP peer is a trusted proxy; the route's groups and any
 * `allowed_groups=a,b` query parameter (oauth2-proxy's) are policy criteria that must all hold
 * (src/access/policy); decision-response.ts maps the outcome to 202/401/403.
 *
 * Two transports call it: the hono route (forward-auth-route.ts), which tests drive through
 * `app.request`, and the node fast path (forward-auth-node.ts) the server answers with.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestLog } from '../../http/request-log.js';
import type { PolicySnapshot } from '../policy-source.js';
import { createAuthTargetResolver, PROXY_HEADERS } from './auth-target.js';
import { decisionAnswerer, type DecisionAnswer } from './decision-response.js';
import type { SignInContext } from './sign-in-routes.js';

/** Every header a decision reads, in this order: the Cookie header, then PROXY_HEADERS. */
export const FORWARD_AUTH_HEADERS = ['cookie', ...PROXY_HEADERS] as const;

export interface ForwardAuthAsk {
  /** Values of FORWARD_AUTH_HEADERS, same order. */
  headers: readonly (string | undefined)[];
  /** The subrequest's absolute URL (its query carries `allowed_groups`). */
  url: string;
  /** The TCP peer: proxy headers count only when it is a trusted proxy. */
  remoteAddress: string | undefined;
  log: RequestLog;
}

export type ForwardAuth = (ask: ForwardAuthAsk) => DecisionAnswer;

/** Who the TCP peer is, from the node request (undefined under `app.request`): one answer for both transports. */
export type PeerAddress = (incoming: IncomingMessage | undefined) => string | undefined;

/** The node socket's peer. getConnInfo would build two objects per call to hand back one string. */
export const socketAddress: PeerAddress = (incoming) => incoming?.socket?.remoteAddress;

export function createForwardAuth({ deps, cookies }: Pick<SignInContext, 'deps' | 'cookies'>): ForwardAuth {
  // The remembered targets belong to one set of routes: a reload starts a fresh resolver. Each
  // decision takes the snapshot once, so it ends on the routes it started with.
  let built: { snapshot: PolicySnapshot; targetOf: ReturnType<typeof createAuthTargetResolver> } | undefined;
  const targetResolver = () => {
    const snapshot = deps.policies.current();
    if (built?.snapshot !== snapshot) built = { snapshot, targetOf: createAuthTargetResolver(deps.trustedProxies, snapshot.policyFor) };
    return built.targetOf;
  };
  const answer = decisionAnswerer({ groupIdsHeader: deps.groupIdsHeader });
  return ({ headers, url, remoteAddress, log }) => {
    const [cookie, ...proxyHeaders] = headers;
    const { original, policy } = targetResolver()({ remoteAddress, url, proxyHeaders });
    if (!policy) {
      log.warn({ reason: 'a trusted proxy sent an unusable original URL' }, 'forward-auth refused');
      return answer({ outcome: 'unauthorized', reasons: ['original-url-invalid'] });
    }
    if (!policy.ok) {
      log.warn({ code: policy.error.code, reason: policy.error.message }, 'forward-auth policy refused');
      return answer({ outcome: 'unauthorized', reasons: [policy.error.code === 'path_ambiguous' ? 'path-ambiguous' : 'policy-invalid'] });
    }
    const decision = deps.decider.decide({ secret: cookies.sessionFrom(cookie), policy: policy.value });
    if (decision.outcome !== 'allow') {
      log.debug({ outcome: decision.outcome, reasons: decision.reasons, host: original.url.host, path: original.url.pathname }, 'access denied');
    }
    return answer(decision);
  };
}
