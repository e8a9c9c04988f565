/**
 * A user's `groups` attribute as SQL, for filters like `groups[value eq "gid"]` and `groups pr`.
 * Groups are not in the user's document: they are the user's effective memberships — the
 * group_users rows naming the user (direct), plus every ancestor of those groups in
 * group_closure (indirect) — so `groups[value eq "gid"]` finds members through any nesting.
 */
import { sql, type SQL } from 'drizzle-orm';
import { ok } from '../../shared/result.js';
import { refuse } from '../refuse.js';
import type { AttributeDef } from '../../scim/protocol/schemas/index.js';
import { groups, users } from '../../store/schema.js';
import type { Collection } from './sql-operands.js';

/**
 * One row per (user key, effective group id), as the derived table "ug". SQLite pushes a
 * condition on ug.group_id into both arms: the group id's unique index gives its key, then the
 * direct arm searches the group_users primary key, the indirect arm the group_closure primary
 * key and then group_users by group. A group reached both directly and through nesting is
 * 'direct', as the attribute shows it.
 */
const effectiveMemberships = sql.raw(`(
  SELECT gu.user_key, g.id AS group_id, 'direct' AS type
    FROM group_users gu JOIN groups g ON g.key = gu.group_key
  UNION ALL
  SELECT gu.user_key, a.id,
         CASE WHEN EXISTS (SELECT 1 FROM group_users d WHERE d.group_key = c.ancestor_key AND d.user_key = gu.user_key)
              THEN 'direct' ELSE 'indirect' END
    FROM group_closure c JOIN groups a ON a.key = c.ancestor_key JOIN group_users gu ON gu.group_key = c.descendant_key
) AS "ug"`);

export function userGroupsCollection(attribute: AttributeDef): Collection {
  return {
    key: 'users groups',
    attribute,
    element: (sub) => {
      switch (sub.name) {
        case 'value':
          // A group id: ids are caseExact (RFC 7643 §3.1) whatever the groups.value definition says,
          // and an exact comparison lets SQLite search by primary key in both arms.
          return ok({ attribute: { ...sub, caseExact: true }, expr: sql`"ug"."group_id"` });
        case 'display':
          return ok({ attribute: sub, expr: sql`(SELECT ${groups.displayName} FROM ${groups} WHERE ${groups.id} = "ug"."group_id")` });
        case 'type':
          return ok({ attribute: sub, expr: sql`"ug"."type"` });
        default:
          return refuse('invalid-filter', `attribute "groups.${sub.name}" cannot be used in a filter: filter on groups.value`);
      }
    },
    // `id IN (…)`: SQLite finds the effective members of the named groups, then looks up just those users.
    exists: (condition: SQL) => sql`${users.key} IN (SELECT "ug"."user_key" FROM ${effectiveMemberships} WHERE ${condition})`,
    // Nesting adds groups only above a direct one, so presence is still one probe of group_users_user.
    nonEmpty: sql`EXISTS (SELECT 1 FROM group_users AS "ugm" WHERE "ugm"."user_key" = ${users.key})`,
  };
}
