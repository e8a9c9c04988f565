/**
 * Reads of membership for responses: a group's direct members with display names, and the
 * groups a user belongs to, directly or through nesting (group_closure). Rows hold keys; ids come
 * back through the users/groups primary keys. Batched over a page of
 * resources (one query, not one per row).
 */
import type { UserGroupRecord, MemberReads } from '../../persistence/directory.js';
import type Database from 'better-sqlite3';
import type { MemberRecord, MemberType } from '../../persistence/directory.js';

interface MemberRow {
  group_id: string;
  member_id: string;
  member_type: MemberType;
  display: string | null;
}

export function createMemberReads(sqlite: Database.Database): MemberReads {
  // Users first, then nested groups; each in key order, which is the order they were created in.
  const membersOfGroups = sqlite.prepare<[string, string], MemberRow>(
    `SELECT g.id AS group_id, u.id AS member_id, 'User' AS member_type, coalesce(u.display_name, u.user_name) AS display, 0 AS kind, u.key AS k
       FROM groups g JOIN group_users gu ON gu.group_key = g.key JOIN users u ON u.key = gu.user_key
      WHERE g.id IN (SELECT value FROM json_each(?))
     UNION ALL
     SELECT g.id, c.id, 'Group', c.display_name, 1, c.key
       FROM groups g JOIN group_groups gg ON gg.parent_key = g.key JOIN groups c ON c.key = gg.child_key
      WHERE g.id IN (SELECT value FROM json_each(?))
      ORDER BY 1, 5, 6`,
  );
  // Direct edges, plus every ancestor of those groups from the closure; a group reached both ways is 'direct'.
  const groupsOfUsers = sqlite.prepare<[string], { user_id: string; group_id: string; display: string; direct: number }>(
    `WITH asked(id, k) AS (SELECT u.id, u.key FROM users u WHERE u.id IN (SELECT value FROM json_each(?)))
     SELECT e.user_id, g.id AS group_id, g.display_name AS display, max(e.direct) AS direct
       FROM (SELECT asked.id AS user_id, gu.group_key, 1 AS direct
               FROM asked JOIN group_users gu ON gu.user_key = asked.k
             UNION ALL
             SELECT asked.id, c.ancestor_key, 0
               FROM asked JOIN group_users gu ON gu.user_key = asked.k JOIN group_closure c ON c.descendant_key = gu.group_key) AS e
       JOIN groups g ON g.key = e.group_key
      GROUP BY e.user_id, g.key
      ORDER BY e.user_id, g.display_name`,
  );

  // The same question for one user: a GET by id is the hot path, and the batched form's fixed
  // cost (json_each, two temporary B-trees) is several times the lookups themselves.
  const groupsOfUser = sqlite.prepare<{ id: string }, { group_id: string; display: string; direct: number }>(
    `WITH me(k) AS (SELECT key FROM users WHERE id = @id)
     SELECT g.id AS group_id, g.display_name AS display, max(e.direct) AS direct
       FROM (SELECT gu.group_key, 1 AS direct FROM group_users gu WHERE gu.user_key = (SELECT k FROM me)
             UNION ALL
             SELECT c.ancestor_key, 0
               FROM group_users gu JOIN group_closure c ON c.descendant_key = gu.group_key
              WHERE gu.user_key = (SELECT k FROM me)) AS e
       JOIN groups g ON g.key = e.group_key
      GROUP BY g.key
      ORDER BY g.display_name`,
  );

  return {
    membersOf(groupIds: readonly string[]): Map<string, MemberRecord[]> {
      const byGroup = new Map<string, MemberRecord[]>(groupIds.map((id) => [id, []]));
      if (groupIds.length === 0) return byGroup;
      const ids = JSON.stringify(groupIds);
      for (const row of membersOfGroups.iterate(ids, ids)) {
        byGroup.get(row.group_id)?.push({ groupId: row.group_id, value: row.member_id, type: row.member_type, display: row.display });
      }
      return byGroup;
    },
    groupsOf(userIds: readonly string[]): Map<string, UserGroupRecord[]> {
      const byUser = new Map<string, UserGroupRecord[]>(userIds.map((id) => [id, []]));
      if (userIds.length === 0) return byUser;
      const [only] = userIds;
      if (userIds.length === 1 && only !== undefined) {
        const list = byUser.get(only) ?? [];
        for (const row of groupsOfUser.iterate({ id: only })) {
          list.push({ userId: only, groupId: row.group_id, display: row.display, type: row.direct === 1 ? 'direct' : 'indirect' });
        }
        return byUser;
      }
      for (const row of groupsOfUsers.iterate(JSON.stringify(userIds))) {
        const type = row.direct === 1 ? 'direct' : 'indirect';
        byUser.get(row.user_id)?.push({ userId: row.user_id, groupId: row.group_id, display: row.display, type });
      }
      return byUser;
    },
  };
}

