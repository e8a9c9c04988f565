/**
 * Builds a route's policy from its config and the `allowed_groups` query parameter the proxy
 * puts on the auth subrequest (oauth2-proxy's `/oauth2/auth?allowed_groups=a,b`).
 *
 * Merge semantics: the route's groups and each `allowed_groups` occurrence are separate
 * criteria and ALL must hold — the intersection of the constraints, so a query can only narrow
 * access, never widen what the route config allows. Within one list any group suffices.
 * An empty or malformed parameter fails (usually a proxy templating bug) instead of silently
 * meaning "no restriction"; the caller should deny.
 */
import { fail, ok, type Result } from '../../shared/result.js';
import { allowedGroupsCriterion } from './allowed-groups.js';
import type { AllowedGroupsCriterion, PolicyError, RoutePolicy } from './types.js';

export const ALLOWED_GROUPS_PARAM = 'allowed_groups';
export const MAX_GROUPS_PER_LIST = 256;
export const MAX_GROUP_REF_LENGTH = 256;

export interface PolicyInput {
  /** The matched route, or undefined when none matched. */
  route?: { allowedGroups: readonly string[] } | undefined;
  /** Further routes the request could fall under (an ambiguous path or method): all must hold too. */
  alsoRoutes?: readonly { allowedGroups: readonly string[] }[] | undefined;
  /** The subrequest's query: `allowed_groups` values are read from it (every occurrence). */
  query?: URLSearchParams | string | undefined;
}

const invalid = (message: string): Result<never, PolicyError> => fail({ code: 'invalid_allowed_groups', message });

/** `a, b ,c` → ['a','b','c']; fails on an empty list, empty entries or oversized input. */
export function parseAllowedGroupsParam(value: string): Result<string[], PolicyError> {
  const refs = value.split(',').map((ref) => ref.trim());
  if (refs.some((ref) => ref === '')) return invalid(`${ALLOWED_GROUPS_PARAM} has an empty group name: "${value}"`);
  if (refs.length > MAX_GROUPS_PER_LIST) return invalid(`${ALLOWED_GROUPS_PARAM} lists more than ${MAX_GROUPS_PER_LIST} groups`);
  if (refs.some((ref) => ref.length > MAX_GROUP_REF_LENGTH)) return invalid(`${ALLOWED_GROUPS_PARAM} has a group name over ${MAX_GROUP_REF_LENGTH} characters`);
  return ok(refs);
}

export function parseRoutePolicy(input: PolicyInput = {}): Result<RoutePolicy, PolicyError> {
  const criteria: AllowedGroupsCriterion[] = [];
  for (const route of input.route ? [input.route, ...(input.alsoRoutes ?? [])] : (input.alsoRoutes ?? [])) {
    if (route.allowedGroups.length === 0) return invalid('route allowedGroups is empty');
    criteria.push(allowedGroupsCriterion(route.allowedGroups, 'route'));
  }
  const query = typeof input.query === 'string' ? new URLSearchParams(input.query) : input.query;
  for (const value of query?.getAll(ALLOWED_GROUPS_PARAM) ?? []) {
    const refs = parseAllowedGroupsParam(value);
    if (!refs.ok) return refs;
    criteria.push(allowedGroupsCriterion(refs.value, 'query'));
  }
  return ok({ criteria });
}
