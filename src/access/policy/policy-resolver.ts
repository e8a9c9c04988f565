/**
 * The policy for one forward-auth request: the configured route its original URL falls under,
 * narrowed by any `allowed_groups` on the auth subrequest. The same few (route, query) pairs
 * repeat on every request a proxy sends, so compiled policies are kept in a small bounded map
 * keyed by the raw query string — a repeat is answered without parsing the query at all.
 */
import type { RouteConfig } from '../../config/index.js';
import type { Result } from '../../shared/result.js';
import { createRouteMatcher } from './match-route.js';
import { ALLOWED_GROUPS_PARAM, parseRoutePolicy } from './parse.js';
import type { PolicyError, RoutePolicy } from './types.js';

const MAX_CACHED_POLICIES = 1024;
/** Queries longer than this are parsed every time instead of pinning memory (anyone can send them). */
const MAX_CACHED_QUERY = 2048;

/** `authQuery`: the auth subrequest's raw query string, without `?` ('' when none). */
export type PolicyResolver = (original: URL, authQuery: string) => Result<RoutePolicy, PolicyError>;

export function createPolicyResolver(routes: readonly RouteConfig[]): PolicyResolver {
  const match = createRouteMatcher(routes);
  const compiled = new Map<string, Result<RoutePolicy, PolicyError>>();
  return (original, authQuery) => {
    const route = match(original.hostname, original.pathname);
    const key = `${route ? routes.indexOf(route) : -1}\n${authQuery}`;
    let policy = compiled.get(key);
    if (!policy) {
      const allowed = new URLSearchParams(authQuery).getAll(ALLOWED_GROUPS_PARAM);
      const query = new URLSearchParams(allowed.map((value): [string, string] => [ALLOWED_GROUPS_PARAM, value]));
      policy = parseRoutePolicy({ route, query });
      if (authQuery.length > MAX_CACHED_QUERY) return policy;
      if (compiled.size >= MAX_CACHED_POLICIES) compiled.clear();
      compiled.set(key, policy);
    }
    return policy;
  };
}
