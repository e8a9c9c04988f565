/**
 * The allowed-groups criterion: the user is in at least one listed group through effective
 * (direct or nested) membership. A listed name matches a group's id or externalId exactly, or
 * its displayName case-insensitively (displayNames are unique case-insensitively in the directory).
 */
import type { AllowedGroupsCriterion, GroupKeys, PolicyFacts } from './types.js';

export function allowedGroupsCriterion(refs: readonly string[], source: AllowedGroupsCriterion['source']): AllowedGroupsCriterion {
  return {
    kind: 'allowed-groups',
    source,
    refs: [...refs],
    exact: new Set(refs),
    lowerCase: new Set(refs.map((ref) => ref.toLowerCase())),
  };
}

/** Every name a user's groups answer to, built once per resolved identity instead of per decision. */
export function groupKeys(groups: PolicyFacts['groups']): GroupKeys {
  const exact = new Set<string>();
  const lowerCase = new Set<string>();
  for (const group of groups) {
    exact.add(group.id);
    if (group.externalId !== null) exact.add(group.externalId);
    lowerCase.add(group.displayName.toLowerCase());
  }
  return { exact, lowerCase };
}

/** A criterion lists a few groups, a user may have hundreds: look the few up in the user's keys. */
export function matchesAllowedGroups(criterion: AllowedGroupsCriterion, keys: GroupKeys): boolean {
  for (const ref of criterion.exact) if (keys.exact.has(ref)) return true;
  for (const ref of criterion.lowerCase) if (keys.lowerCase.has(ref)) return true;
  return false;
}
