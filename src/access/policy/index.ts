/**
 * Route policies for forward auth: which configured routes a request falls under (match-route,
 * normalize-path) and the combined policy for it (policy-resolver). The policy language itself
 * is src/policy/ (pure, shared with config), re-exported here for access's callers.
 */
export * from '../../policy/index.js';
export { createPolicyResolver, type PolicyResolver } from './policy-resolver.js';
export { createRouteMatcher, normalizeHost, normalizePath, pathReadings, readingPaths, underPrefix, type PathReadings, type RouteMatch, type RouteMatcher } from './match-route.js';
