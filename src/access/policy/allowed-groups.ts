/**
 * The allowed-groups criterion: the user is in at least one listed group through effective
 * (direct or nested) membership. A listed name matches a group's id or externalId exactly, or
 * its displayName case-insensitively (displayNames are unique case-insensitively in the directory).
 */
import type { AllowedGroupsCriterion, PolicyFacts } from './types.js';

export function allowedGroupsCriterion(refs: readonly string[], source: AllowedGroupsCriterion['source']): AllowedGroupsCriterion {
  return {
    kind: 'allowed-groups',
    source,
    refs: [...refs],
    exact: new Set(refs),
    lowerCase: new Set(refs.map((ref) => ref.toLowerCase())),
  };
}

export function matchesAllowedGroups(criterion: AllowedGroupsCriterion, groups: PolicyFacts['groups']): boolean {
  for (const group of groups) {
    if (criterion.exact.has(group.id)) return true;
    if (group.externalId !== null && criterion.exact.has(group.externalId)) return true;
    if (criterion.lowerCase.has(group.displayName.toLowerCase())) return true;
  }
  return false;
}
