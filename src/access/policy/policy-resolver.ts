/**
 * The policy for one forward-auth request: the configured routes its original URL falls under
 * (one, or several when its path or method is ambiguous: all must allow), narrowed by any
 * `allowed_groups` on the auth subrequest. The same few (routes, query) pairs repeat on every
 * request a proxy sends, so compiled policies are kept in a bounded memo (src/shared/bounded-memo.ts)
 * keyed by the raw query string — a repeat is answered without parsing the query at all. No
 * freshness stamp: a resolver serves one configuration (a reload builds a new one).
 */
import type { RouteConfig } from '../../config/index.js';
import { createBoundedMemo } from '../../shared/bounded-memo.js';
import { fail, type Result } from '../../shared/result.js';
import { createRouteMatcher } from './match-route.js';
import { ALLOWED_GROUPS_PARAM, parseRoutePolicy } from './parse.js';
import type { PolicyError, RoutePolicy } from './types.js';

const MAX_CACHED_POLICIES = 1024;
/** Queries longer than this are parsed every time instead of pinning memory (anyone can send them). */
const MAX_CACHED_QUERY = 2048;

/**
 * `authQuery`: the auth subrequest's raw query string, without `?` ('' when none). `method`: the
 * original request's method when a trusted proxy said (undefined: any method it could be).
 */
export type PolicyResolver = (original: URL, authQuery: string, method?: string) => Result<RoutePolicy, PolicyError>;

export function createPolicyResolver(routes: readonly RouteConfig[]): PolicyResolver {
  const match = createRouteMatcher(routes);
  // Keys are the routes' indexes, a newline and the query: queries over MAX_CACHED_QUERY are never kept.
  const compiled = createBoundedMemo<Result<RoutePolicy, PolicyError>>({ maxEntries: MAX_CACHED_POLICIES, maxKeyLength: MAX_CACHED_QUERY + 64 });
  return (original, authQuery, method) => {
    const matched = match(original.hostname, original.pathname, method);
    if (!matched.ok) return fail({ code: 'path_ambiguous', message: `the path cannot be matched safely: ${matched.reason}` });
    const [route, ...alsoRoutes] = matched.routes;
    const key = `${matched.routes.map((r) => routes.indexOf(r)).join(',')}\n${authQuery}`;
    let policy = compiled.get(key);
    if (!policy) {
      const allowed = new URLSearchParams(authQuery).getAll(ALLOWED_GROUPS_PARAM);
      const query = new URLSearchParams(allowed.map((value): [string, string] => [ALLOWED_GROUPS_PARAM, value]));
      policy = parseRoutePolicy({ route, alsoRoutes, query });
      if (authQuery.length <= MAX_CACHED_QUERY) compiled.set(key, policy);
    }
    return policy;
  };
}
