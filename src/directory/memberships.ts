/**
 * Direct group memberships, exactly as SCIM sends them: the only code that writes
 * group_members. Every edge change goes through these few primitives, so the nested-group
 * closure can be maintained beside them in the same transaction.
 */
import type Database from 'better-sqlite3';
import { createClosure } from './closure.js';
import { fail, ok, scimError, type Result } from '../scim/protocol/errors.js';
import type { MemberChange } from '../scim/protocol/patch/index.js';
import type { MemberInput } from '../scim/protocol/resource/members.js';

export type MemberType = 'User' | 'Group';
export type { MemberChange, MemberInput };

/** A member whose id was found, with the type the directory knows it by. */
export interface MemberRef {
  id: string;
  type: MemberType;
}

export interface MemberRecord {
  groupId: string;
  value: string;
  type: MemberType;
  display: string | null;
}

export function createMemberships(sqlite: Database.Database) {
  // One statement per batch, not one per member: a 10k-member PATCH stays inside SQLite.
  const typesOf = sqlite.prepare<[string], { id: string; type: MemberType | null }>(
    `SELECT j.value AS id,
            CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.id = j.value) THEN 'User'
                 WHEN EXISTS (SELECT 1 FROM groups g WHERE g.id = j.value) THEN 'Group' END AS type
       FROM json_each(?) j`,
  );
  // In id order: the member index is keyed by member id, so sorted inserts visit its pages in
  // order instead of hopping between them.
  const insertUserEdges = sqlite.prepare<[string, string]>(
    `INSERT INTO group_members (group_id, member_id, member_type)
     SELECT ?, value, 'User' FROM json_each(?) WHERE true ORDER BY value ON CONFLICT DO NOTHING`,
  );
  const insertEdge = sqlite.prepare(
    'INSERT INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const deleteEdge = sqlite.prepare<[string, string]>('DELETE FROM group_members WHERE group_id = ? AND member_id = ?');
  const deleteAllOfGroup = sqlite.prepare('DELETE FROM group_members WHERE group_id = ?');
  const deleteEverywhere = sqlite.prepare('DELETE FROM group_members WHERE member_id = ?');
  const childGroupsOf = sqlite.prepare<[string], { id: string }>(
    "SELECT member_id AS id FROM group_members WHERE group_id = ? AND member_type = 'Group'",
  );
  const parentGroupsOf = sqlite.prepare<[string], { id: string }>(
    "SELECT group_id AS id FROM group_members WHERE member_id = ? AND member_type = 'Group'",
  );
  const isGroupEdge = sqlite.prepare<[string, string], { one: number }>(
    "SELECT 1 AS one FROM group_members WHERE group_id = ? AND member_id = ? AND member_type = 'Group'",
  );
  const closure = createClosure(sqlite);
  const idsOf = (rows: { id: string }[]): string[] => rows.map((row) => row.id);

  /** Each member must name an existing user or group; a stated type must agree with what the id is. */
  function resolve(inputs: readonly MemberInput[]): Result<MemberRef[]> {
    if (inputs.length === 0) return ok([]);
    const rows = typesOf.all(JSON.stringify(inputs.map((input) => input.value)));
    const refs: MemberRef[] = [];
    for (const [index, input] of inputs.entries()) {
      const type = rows[index]?.type ?? undefined;
      if (!type) return fail(scimError('invalidValue', `member "${input.value}" is not a known User or Group`));
      if (input.type && input.type !== type) {
        return fail(scimError('invalidValue', `member "${input.value}" is a ${type}, not a ${input.type}`));
      }
      refs.push({ id: input.value, type });
    }
    return ok(refs);
  }

  /** Returns how many edges were added. */
  function addEdges(groupId: string, members: readonly MemberRef[]): number {
    // User edges never touch the closure (it is over groups only), so they go in as one batch.
    const userIds = members.filter((member) => member.type === 'User').map((member) => member.id);
    let added = userIds.length > 0 ? insertUserEdges.run(groupId, JSON.stringify(userIds)).changes : 0;
    for (const member of members) {
      if (member.type !== 'Group') continue;
      const changes = insertEdge.run(groupId, member.id, member.type).changes;
      if (changes > 0) closure.linked(groupId, member.id);
      added += changes;
    }
    return added;
  }

  function removeEdges(groupId: string, memberIds: readonly string[]): number {
    // Closure candidates must be read before the edges go; a removed User edge needs no closure work.
    const groupIds = memberIds.filter((id) => isGroupEdge.get(groupId, id) !== undefined);
    const prune = closure.unlinking([groupId], groupIds);
    let removed = 0;
    for (const id of memberIds) removed += deleteEdge.run(groupId, id).changes;
    prune();
    return removed;
  }

  function removeAllEdges(groupId: string): number {
    const prune = closure.unlinking([groupId], idsOf(childGroupsOf.all(groupId)));
    const removed = deleteAllOfGroup.run(groupId).changes;
    prune();
    return removed;
  }

  /** A deleted user or group leaves every group it was in. */
  function removeMemberEverywhere(memberId: string): number {
    const prune = closure.unlinking(idsOf(parentGroupsOf.all(memberId)), [memberId]);
    const removed = deleteEverywhere.run(memberId).changes;
    prune();
    return removed;
  }

  /** Apply edits in order; validation happens up front so a bad member changes nothing. */
  function apply(groupId: string, changes: readonly MemberChange[]): Result<number> {
    const resolved: (MemberRef[] | undefined)[] = [];
    for (const change of changes) {
      if (change.kind === 'add' || change.kind === 'replace') {
        const refs = resolve(change.members);
        if (!refs.ok) return refs;
        resolved.push(refs.value);
      } else resolved.push(undefined);
    }
    let touched = 0;
    changes.forEach((change, index) => {
      const refs = resolved[index] ?? [];
      if (change.kind === 'add') touched += addEdges(groupId, refs);
      else if (change.kind === 'remove') touched += removeEdges(groupId, change.values);
      else if (change.kind === 'removeAll') touched += removeAllEdges(groupId);
      else touched += removeAllEdges(groupId) + addEdges(groupId, refs);
    });
    return ok(touched);
  }

  return { resolve, addEdges, apply, removeAllEdges, removeMemberEverywhere };
}

export type Memberships = ReturnType<typeof createMemberships>;
