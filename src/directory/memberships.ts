/**
 * Direct group memberships, exactly as SCIM sends them: the only code that writes
 * group_members. Every edge change goes through these few primitives, so the nested-group
 * closure can be maintained beside them in the same transaction.
 */
import type Database from 'better-sqlite3';
import { createClosure } from './closure.js';
import { fail, ok, scimError, type Result } from '../scim/protocol/errors.js';

export type MemberType = 'User' | 'Group';

export interface MemberInput {
  value: string;
  type?: MemberType | undefined;
}

export interface MemberRef {
  id: string;
  type: MemberType;
}

/** One membership edit, in request order (from POST/PUT bodies and PATCH operations). */
export type MemberChange =
  | { kind: 'add'; members: MemberInput[] }
  | { kind: 'remove'; values: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replace'; members: MemberInput[] };

export interface MemberRecord {
  groupId: string;
  value: string;
  type: MemberType;
  display: string | null;
}

export function createMemberships(sqlite: Database.Database) {
  const userExists = sqlite.prepare<[string], { id: string }>('SELECT id FROM users WHERE id = ?');
  const groupExists = sqlite.prepare<[string], { id: string }>('SELECT id FROM groups WHERE id = ?');
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
    const refs: MemberRef[] = [];
    for (const input of inputs) {
      const type: MemberType | undefined = userExists.get(input.value)
        ? 'User'
        : groupExists.get(input.value)
          ? 'Group'
          : undefined;
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
    let added = 0;
    for (const member of members) {
      const changes = insertEdge.run(groupId, member.id, member.type).changes;
      // User edges never touch the closure: it is over groups only.
      if (changes > 0 && member.type === 'Group') closure.linked(groupId, member.id);
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

  return { resolve, apply, removeAllEdges, removeMemberEverywhere };
}

export type Memberships = ReturnType<typeof createMemberships>;
