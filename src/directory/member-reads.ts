/**
 * Reads of membership for responses: a group's direct members with display names, and the
 * groups a user belongs to, directly or through nesting (group_closure). Batched over a page of
 * resources (one query, not one per row).
 */
import type Database from 'better-sqlite3';
import type { MemberRecord, MemberType } from './memberships.js';

export interface UserGroupRecord {
  userId: string;
  groupId: string;
  display: string;
  /** direct: the user is a member as sent; indirect: through nested groups. */
  type: 'direct' | 'indirect';
}

interface MemberRow {
  group_id: string;
  member_id: string;
  member_type: MemberType;
  display: string | null;
}

export function createMemberReads(sqlite: Database.Database) {
  const membersOfGroups = sqlite.prepare<[string], MemberRow>(
    `SELECT m.group_id, m.member_id, m.member_type,
            CASE m.member_type WHEN 'User' THEN coalesce(u.display_name, u.user_name) ELSE g.display_name END AS display
       FROM group_members m
       LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
       LEFT JOIN groups g ON m.member_type = 'Group' AND g.id = m.member_id
      WHERE m.group_id IN (SELECT value FROM json_each(?))
      ORDER BY m.group_id, m.rowid`,
  );
  // Direct edges, plus every ancestor of those groups from the closure; a group reached both ways is 'direct'.
  const groupsOfUsers = sqlite.prepare<[string, string], { user_id: string; group_id: string; display: string; direct: number }>(
    `SELECT e.user_id, g.id AS group_id, g.display_name AS display, max(e.direct) AS direct
       FROM (SELECT m.member_id AS user_id, m.group_id, 1 AS direct
               FROM group_members m
              WHERE m.member_id IN (SELECT value FROM json_each(?)) AND m.member_type = 'User'
             UNION ALL
             SELECT m.member_id, c.ancestor_id, 0
               FROM group_members m JOIN group_closure c ON c.descendant_id = m.group_id
              WHERE m.member_id IN (SELECT value FROM json_each(?)) AND m.member_type = 'User') AS e
       JOIN groups g ON g.id = e.group_id
      GROUP BY e.user_id, g.id
      ORDER BY e.user_id, g.display_name`,
  );

  // The same question for one user: a GET by id is the hot path, and the batched form's fixed
  // cost (json_each, two temporary B-trees) is several times the lookups themselves.
  const groupsOfUser = sqlite.prepare<{ id: string }, { group_id: string; display: string; direct: number }>(
    `SELECT g.id AS group_id, g.display_name AS display, max(e.direct) AS direct
       FROM (SELECT m.group_id, 1 AS direct FROM group_members m WHERE m.member_id = @id AND m.member_type = 'User'
             UNION ALL
             SELECT c.ancestor_id, 0
               FROM group_members m JOIN group_closure c ON c.descendant_id = m.group_id
              WHERE m.member_id = @id AND m.member_type = 'User') AS e
       JOIN groups g ON g.id = e.group_id
      GROUP BY g.id
      ORDER BY g.display_name`,
  );

  return {
    membersOf(groupIds: readonly string[]): Map<string, MemberRecord[]> {
      const byGroup = new Map<string, MemberRecord[]>(groupIds.map((id) => [id, []]));
      if (groupIds.length === 0) return byGroup;
      for (const row of membersOfGroups.iterate(JSON.stringify(groupIds))) {
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
      const ids = JSON.stringify(userIds);
      for (const row of groupsOfUsers.iterate(ids, ids)) {
        const type = row.direct === 1 ? 'direct' : 'indirect';
        byUser.get(row.user_id)?.push({ userId: row.user_id, groupId: row.group_id, display: row.display, type });
      }
      return byUser;
    },
  };
}

export type MemberReads = ReturnType<typeof createMemberReads>;
