/** The access policy (pure): route matching, allowed-groups criteria, and their evaluation. */
export { allowedGroupsCriterion, groupKeys, matchesAllowedGroups } from './allowed-groups.js';
export { evaluatePolicy } from './evaluate.js';
export { createPolicyResolver, type PolicyResolver } from './policy-resolver.js';
export { createRouteMatcher, normalizeHost, normalizePath, pathReadings, underPrefix, type PathReadings, type RouteMatch, type RouteMatcher } from './match-route.js';
export { ALLOWED_GROUPS_PARAM, MAX_GROUP_REF_LENGTH, MAX_GROUPS_PER_LIST, parseAllowedGroupsParam, parseRoutePolicy, type PolicyInput } from './parse.js';
export type { AllowedGroupsCriterion, GroupKeys, PolicyDecision, PolicyError, PolicyFacts, PolicyReason, RoutePolicy } from './types.js';
