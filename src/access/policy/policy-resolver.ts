/**
 * The policy for one forward-auth request: the configured routes its original URL falls under
 * (one, or several when its path or method is ambiguous: all must allow — their policies,
 * compiled at load, are intersected), narrowed by oauth2-proxy's query parameters on the auth
 * subrequest (query-params.ts). The same few (routes, query) pairs repeat on every request a
 * proxy sends, so combined policies are kept in a bounded memo (src/shared/bounded-memo.ts) keyed
 * by the route indexes and the raw query string — a repeat is answered without parsing the query
 * at all. No freshness stamp: a resolver serves one configuration (a reload builds a new one).
 */
import type { RouteConfig } from '../../config/index.js';
import { createBoundedMemo } from '../../shared/bounded-memo.js';
import { fail, ok, type Result } from '../../shared/result.js';
import type { CompiledPolicy } from '../../policy/compile.js';
import { createRouteMatcher, type RouteLike } from './match-route.js';
import { POLICY_PARAMS, queryRequirements } from '../../policy/query-params.js';
import { allOfPolicies, DEFAULT_POLICY, withRequirements } from '../../policy/route-policy.js';
import type { PolicyError } from '../../policy/types.js';

const MAX_CACHED_POLICIES = 1024;
/** Queries longer than this are parsed every time instead of pinning memory (anyone can send them). */
const MAX_CACHED_QUERY = 2048;

/**
 * `authQuery`: the auth subrequest's raw query string, without `?` ('' when none). `method`: the
 * original request's method when a trusted proxy said (undefined: any method it could be).
 */
export type PolicyResolver = (original: URL, authQuery: string, method?: string) => Result<CompiledPolicy, PolicyError>;

type RouteWithPolicy = RouteLike & Pick<RouteConfig, 'policy'>;

export function createPolicyResolver(routes: readonly RouteWithPolicy[]): PolicyResolver {
  const match = createRouteMatcher(routes);
  // Keys are the routes' indexes, a newline and the query: queries over MAX_CACHED_QUERY are never kept.
  const combined = createBoundedMemo<Result<CompiledPolicy, PolicyError>>({ maxEntries: MAX_CACHED_POLICIES, maxKeyLength: MAX_CACHED_QUERY + 64 });
  return (original, authQuery, method) => {
    const matched = match(original.hostname, original.pathname, method);
    if (!matched.ok) return fail({ code: 'path_ambiguous', message: `the path cannot be matched safely: ${matched.reason}` });
    // The common case, one route and no query: its policy as compiled, nothing to combine.
    if (authQuery === '' && matched.routes.length <= 1 && (matched.routes.length === 0 || !matched.unrouted)) {
      return ok(matched.routes[0]?.policy ?? DEFAULT_POLICY);
    }
    const key = `${matched.routes.map((r) => routes.indexOf(r)).join(',')}${matched.unrouted ? ',-1' : ''}\n${authQuery}`;
    let policy = combined.get(key);
    if (!policy) {
      const base = allOfPolicies([...matched.routes.map((route) => route.policy), ...(matched.unrouted ? [DEFAULT_POLICY] : [])]);
      const params = new URLSearchParams(authQuery);
      const relevant = new URLSearchParams([...params].filter(([name]) => (POLICY_PARAMS as readonly string[]).includes(name)));
      const extra = queryRequirements(relevant);
      policy = extra.ok ? ok(withRequirements(base, extra.value)) : extra;
      if (authQuery.length <= MAX_CACHED_QUERY) combined.set(key, policy);
    }
    return policy;
  };
}
