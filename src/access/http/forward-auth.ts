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
import { CLIENT_ADDRESS_HEADERS, clientAddress } from '../forwarded.js';
import { explainPolicy, explainWhy, type CompiledPolicy } from '../policy/index.js';
import type { Decision } from '../decision.js';
import { createAuthTargetResolver, PROXY_HEADERS } from './auth-target.js';
import { decisionAnswerer, type DecisionAnswer } from './decision-response.js';
import type { SignInContext } from './sign-in-routes.js';

/** Every header a decision reads, in this order: the Cookie header, PROXY_HEADERS, CLIENT_ADDRESS_HEADERS. */
export const FORWARD_AUTH_HEADERS = ['cookie', ...PROXY_HEADERS, ...CLIENT_ADDRESS_HEADERS] as const;
const FACTS_AT = 1 + PROXY_HEADERS.length;

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
    const cookie = headers[0];
    const { original, policy, paths } = targetResolver()({ remoteAddress, url, proxyHeaders: headers.slice(1, FACTS_AT) });
    if (!policy) {
      log.warn({ reason: 'a trusted proxy sent an unusable original URL' }, 'forward-auth refused');
      return answer({ outcome: 'unauthorized', reasons: ['original-url-invalid'] });
    }
    if (!policy.ok) {
      log.warn({ code: policy.error.code, reason: policy.error.message }, 'forward-auth policy refused');
      return answer({ outcome: 'unauthorized', reasons: [policy.error.code === 'path_ambiguous' ? 'path-ambiguous' : 'policy-invalid'] });
    }
    const ip = clientAddress(deps.trustedProxies, remoteAddress, headers.slice(FACTS_AT));
    const { method } = original;
    const decision = deps.decider.decide({ secret: cookies.sessionFrom(cookie), policy: policy.value, request: { method, paths, ip } });
    logDecision(log, decision, policy.value, { host: original.url.host, path: paths[0], method, ip });
    if (deps.audit && decision.outcome === 'unauthorized' && decision.identity) {
      const route = routeLabel(deps.policies.current(), original.url.hostname, paths[0], method);
      // Sampled: one row per user and route a minute, appended off this path (src/audit/sampled-audit.ts).
      deps.audit.sampled.note(`policy.denied\u0000${decision.identity.userId}\u0000${route}`, {
        type: 'policy.denied',
        actor: decision.identity.userName,
        userId: decision.identity.userId,
        requestId: log.requestId,
        data: { route, host: original.url.host, path: paths[0], method, ip, reasons: decision.reasons },
      });
    }
    return answer(decision);
  };
}

/** The routes a denied request fell under, as one label (`app.example.com/admin`; `*` for any host; `(default)` unrouted). */
function routeLabel(snapshot: PolicySnapshot, host: string, path: string | undefined, method: string | undefined): string {
  const match = snapshot.match(host, path ?? '/', method);
  if (!match.ok) return '(unmatched)';
  const labels = match.routes.map((route) => `${route.host ?? '*'}${route.pathPrefix}`);
  if (match.unrouted) labels.push('(default)');
  return [...new Set(labels)].join(' ');
}

/**
 * Every policy deny is logged with why (the deciding criteria and facts, pomerium's deny-why);
 * every public (anonymous) allow at info, since it skipped sign-in; other allows with why at
 * debug. A request without a session (the sign-in redirect) is not a policy deny: debug.
 */
function logDecision(log: RequestLog, decision: Decision, policy: CompiledPolicy, where: { host: string; path: string | undefined; method: string | undefined; ip: string | undefined }): void {
  const user = decision.identity?.userName;
  if (decision.outcome === 'allow') {
    const anonymous = decision.identity === undefined;
    const level = anonymous ? 'info' : 'debug';
    if (!log.enabled(level)) return;
    const why = decision.verdict && decision.facts ? explainWhy(explainPolicy(policy, decision.facts, decision.verdict)) : [];
    log[level]({ outcome: 'allow', reasons: decision.reasons, user, ...where, why }, anonymous ? 'public access' : 'access allowed');
    return;
  }
  if (!decision.verdict || !decision.facts) {
    if (log.enabled('debug')) log.debug({ outcome: decision.outcome, reasons: decision.reasons, ...where }, 'access denied');
    return;
  }
  if (!log.enabled('info')) return;
  const why = explainWhy(explainPolicy(policy, decision.facts, decision.verdict));
  log.info({ outcome: decision.outcome, reasons: decision.reasons, user, ...where, why }, 'access denied');
}
