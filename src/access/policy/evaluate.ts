/**
 * Evaluates a route policy against directory facts. Pure and total: no I/O, no throws; the
 * caller read the facts (live session user, effective groups) and maps the decision to HTTP.
 * Deny wins: an inactive user is denied before any group is looked at, and one unmatched
 * criterion denies whatever the others say.
 */
import { groupKeys, matchesAllowedGroups } from './allowed-groups.js';
import type { PolicyDecision, PolicyFacts, RoutePolicy } from './types.js';

export function evaluatePolicy(policy: RoutePolicy, facts: PolicyFacts): PolicyDecision {
  if (!facts.user.active) return { allow: false, reasons: ['user-inactive'] };
  if (policy.criteria.length === 0) return { allow: true, reasons: ['no-policy'] };
  const keys = facts.groupKeys ?? groupKeys(facts.groups);
  for (const criterion of policy.criteria) {
    if (!matchesAllowedGroups(criterion, keys)) return { allow: false, reasons: ['groups-unauthorized'] };
  }
  return { allow: true, reasons: ['allowed-groups-matched'] };
}
