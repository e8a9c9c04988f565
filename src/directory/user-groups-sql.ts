/**
 * A user's `groups` attribute as SQL, for filters like `groups[value eq "gid"]` and `groups pr`.
 * Groups are not in the user's document: they are the group_members rows naming the user,
 * reached through the group_members_member index (member_id, group_id).
 *
 * Today this is DIRECT membership only. The nested-groups work switches this one function to
 * effective (transitive) membership through group_closure — and then `type` becomes
 * 'direct' or 'indirect' per row instead of the constant below.
 */
import { sql, type SQL } from 'drizzle-orm';
import { fail, ok, scimError } from '../scim/protocol/errors.js';
import type { AttributeDef } from '../scim/protocol/schemas/index.js';
import { groupMembers, groups, users } from '../store/schema.js';
import type { Collection } from './attribute-columns.js';

export function userGroupsCollection(attribute: AttributeDef): Collection {
  return {
    attribute,
    element: (sub) => {
      switch (sub.name) {
        case 'value':
          // A group id: ids are caseExact (RFC 7643 §3.1) whatever the groups.value definition says,
          // and an exact comparison lets SQLite search the (group_id, member_id) primary key.
          return ok({ attribute: { ...sub, caseExact: true }, expr: sql`${groupMembers.groupId}` });
        case 'display':
          return ok({ attribute: sub, expr: sql`(SELECT ${groups.displayName} FROM ${groups} WHERE ${groups.id} = ${groupMembers.groupId})` });
        case 'type':
          return ok({ attribute: sub, expr: sql`'direct'` });
        default:
          return fail(scimError('invalidFilter', `attribute "groups.${sub.name}" cannot be used in a filter: filter on groups.value`));
      }
    },
    // `id IN (…)`: SQLite finds the members of the named groups, then looks up just those users.
    exists: (condition: SQL) =>
      sql`${users.id} IN (SELECT ${groupMembers.memberId} FROM ${groupMembers} WHERE ${groupMembers.memberType} = 'User' AND ${condition})`,
    // Presence is one probe of group_members_member per user.
    nonEmpty: sql`EXISTS (SELECT 1 FROM ${groupMembers} WHERE ${groupMembers.memberId} = ${users.id} AND ${groupMembers.memberType} = 'User')`,
  };
}
