/**
 * Effective (transitive) group membership for the access layer: a user's groups through any
 * depth of nesting, and the inverse for access reviews. Each answer is one prepared statement
 * over indexes (group_users_user, group_closure) — the nesting was flattened at write time,
 * so nothing recurses on the request path.
 */
import type { EffectiveGroup, EffectiveMember, EffectiveMembersPage, MembersPageRequest, EffectiveGroups } from '../../persistence/directory.js';
import type Database from 'better-sqlite3';

const DEFAULT_PAGE = 1000;

export function createEffectiveGroups(sqlite: Database.Database): EffectiveGroups {
  // The user's direct groups, and every ancestor of them: two index range scans, no recursion.
  const groupsOfUser = sqlite.prepare<{ user: string }, EffectiveGroup>(
    `WITH me(k) AS (SELECT key FROM users WHERE id = @user)
     SELECT g.id, g.display_name AS displayName, g.external_id AS externalId
       FROM groups g
      WHERE g.key IN (SELECT gu.group_key FROM group_users gu WHERE gu.user_key = (SELECT k FROM me)
                      UNION
                      SELECT c.ancestor_key FROM group_users gu JOIN group_closure c ON c.descendant_key = gu.group_key
                       WHERE gu.user_key = (SELECT k FROM me))
      ORDER BY g.display_name`,
  );
  const effectiveUserKeys = `SELECT gu.user_key FROM group_users gu
      WHERE gu.group_key IN (SELECT k FROM target
                             UNION SELECT c.descendant_key FROM group_closure c WHERE c.ancestor_key = (SELECT k FROM target))`;
  const target = 'WITH target(k) AS (SELECT key FROM groups WHERE id = @group)';
  const membersOfGroup = sqlite.prepare<{ group: string; after: string; limit: number }, Omit<EffectiveMember, 'active'> & { active: number }>(
    `${target}
     SELECT u.id, u.user_name AS userName, u.display_name AS displayName, u.active
       FROM users u
      WHERE u.id > @after AND u.key IN (${effectiveUserKeys})
      ORDER BY u.id LIMIT @limit`,
  );
  const countMembers = sqlite.prepare<{ group: string }, { n: number }>(
    `${target} SELECT count(*) AS n FROM (SELECT DISTINCT user_key FROM (${effectiveUserKeys}))`,
  );

  return {
    /** Every group the user is in, directly or through nested groups (cycles included). */
    effectiveGroups(userId: string): EffectiveGroup[] {
      return groupsOfUser.all({ user: userId });
    },
    /** Users in the group directly or through any nested group, paged by user id. */
    effectiveMembers(groupId: string, page: MembersPageRequest = {}): EffectiveMembersPage {
      const limit = Math.max(1, Math.min(page.limit ?? DEFAULT_PAGE, 10_000));
      const rows = membersOfGroup.all({ group: groupId, after: page.after ?? '', limit });
      const items = rows.map((row) => ({ ...row, active: row.active === 1 }));
      const last = items[items.length - 1];
      return { items, next: items.length === limit && last ? last.id : undefined };
    },
    countEffectiveMembers(groupId: string): number {
      return countMembers.get({ group: groupId })?.n ?? 0;
    },
  };
}

