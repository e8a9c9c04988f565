/**
 * `groups`: effective membership (direct or through nested groups). A group answers to its id
 * and externalId (exact, case-sensitive) and its displayName (case-insensitive; displayNames
 * are unique case-insensitively in the directory).
 * Matchers: `has` / `is` (member of that group), `in` (of any), `not_in` (of none — a user in
 * no group at all satisfies it), and `starts_with` / `ends_with` / `contains` (some group's name).
 * Set matchers look the criterion's few names up in the user's prebuilt key sets, so a user in
 * hundreds of groups costs no more than one in two.
 */
import { compileStringMatcher } from '../string-matcher.js';
import type { GroupKeys } from '../types.js';
import { shortList, type CriterionDef } from './criterion.js';

function anyIn(keys: GroupKeys, exact: ReadonlySet<string>, folded: ReadonlySet<string>): boolean {
  for (const ref of exact) if (keys.exact.has(ref)) return true;
  for (const ref of folded) if (keys.lowerCase.has(ref)) return true;
  return false;
}

export const groups: CriterionDef = {
  subPath: 'none',
  compile(value, ctx) {
    const matcher = compileStringMatcher(value, ctx.at, ctx.report, ['has', 'is', 'in', 'not_in', 'starts_with', 'ends_with', 'contains']);
    if (!matcher) return undefined;
    const set = matcher.set;
    const test = set
      ? (keys: GroupKeys) => anyIn(keys, set.exact, set.folded) !== set.negate
      : undefined;
    return {
      name: 'groups',
      label: `groups ${matcher.label}`,
      reads: [],
      test: (facts) => {
        const user = facts.user;
        if (!user) return false;
        return test ? test(user.groupKeys) : matcher.test(user.names.groups);
      },
      fact: (facts) => (facts.user ? `member of ${shortList(facts.user.groups.map((g) => g.displayName))}` : 'not signed in'),
    };
  },
};
