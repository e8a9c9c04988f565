/**
 * Direct group memberships, exactly as SCIM sends them: the only code that writes group_users and
 * group_groups. Every edge change goes through these few primitives, so the nested-group
 * closure can be maintained beside them in the same transaction. Rows hold keys (schema.ts,
 * users.key); ids are translated here, once per batch.
 */
import type { DirectoryResult, MemberType, MemberRecord } from '../../persistence/directory.js';
import type Database from 'better-sqlite3';
import { createClosure } from './closure.js';
import { ok } from '../../shared/result.js';
import { refuse } from '../refuse.js';
import type { MemberChange } from '../../persistence/directory.js';
import type { MemberInput } from '../../persistence/directory.js';
import type { EdgeWatch } from './group-effects.js';

export type { MemberChange, MemberInput };

/** A member whose id was found, with the type the directory knows it by and its key (schema.ts, users.key). */
export interface MemberRef {
  id: string;
  type: MemberType;
  key: number;
}

export function createMemberships(sqlite: Database.Database) {
  // One statement per batch, not one per member: a 10k-member PATCH stays inside SQLite.
  const keysOf = sqlite.prepare<[string], { id: string; user_key: number | null; group_key: number | null }>(
    `SELECT j.value AS id,
            (SELECT u.key FROM users u WHERE u.id = j.value) AS user_key,
            (SELECT g.key FROM groups g WHERE g.id = j.value) AS group_key
       FROM json_each(?) j ORDER BY j.key`,
  );
  // In key order: the user index is keyed by user key, so sorted inserts visit its pages in order.
  const insertUserEdges = sqlite.prepare<[number, string]>(
    `INSERT INTO group_users (group_key, user_key)
     SELECT ?, value FROM json_each(?) WHERE true ORDER BY value ON CONFLICT DO NOTHING`,
  );
  const insertGroupEdge = sqlite.prepare<[number, number]>('INSERT INTO group_groups (parent_key, child_key) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const deleteUserEdge = sqlite.prepare<[number, number]>('DELETE FROM group_users WHERE group_key = ? AND user_key = ?');
  const deleteGroupEdge = sqlite.prepare<[number, number]>('DELETE FROM group_groups WHERE parent_key = ? AND child_key = ?');
  const deleteUsersOfGroup = sqlite.prepare<[number]>('DELETE FROM group_users WHERE group_key = ?');
  const deleteChildrenOfGroup = sqlite.prepare<[number]>('DELETE FROM group_groups WHERE parent_key = ?');
  const deleteUserEverywhere = sqlite.prepare<[number]>('DELETE FROM group_users WHERE user_key = ?');
  const deleteGroupEverywhere = sqlite.prepare<[number]>('DELETE FROM group_groups WHERE child_key = ?');
  const childGroupsOf = sqlite.prepare<[number], number>('SELECT child_key FROM group_groups WHERE parent_key = ?').pluck();
  const parentGroupsOf = sqlite.prepare<[number], number>('SELECT parent_key FROM group_groups WHERE child_key = ?').pluck();
  const isGroupEdge = sqlite.prepare<[number, number], number>('SELECT 1 FROM group_groups WHERE parent_key = ? AND child_key = ?').pluck();
  const closure = createClosure(sqlite);

  const lookUp = (ids: readonly string[]) => keysOf.all(JSON.stringify(ids));

  /** Each member must name an existing user or group; a stated type must agree with what the id is. */
  function resolve(inputs: readonly MemberInput[]): DirectoryResult<MemberRef[]> {
    if (inputs.length === 0) return ok([]);
    const rows = lookUp(inputs.map((input) => input.value));
    const refs: MemberRef[] = [];
    for (const [index, input] of inputs.entries()) {
      const row = rows[index];
      const type: MemberType | undefined = row?.user_key != null ? 'User' : row?.group_key != null ? 'Group' : undefined;
      const key = type === 'User' ? row?.user_key : row?.group_key;
      if (!type || key == null) return refuse('invalid-member', `member "${input.value}" is not a known User or Group`);
      if (input.type && input.type !== type) {
        return refuse('invalid-member', `member "${input.value}" is a ${type}, not a ${input.type}`);
      }
      refs.push({ id: input.value, type, key });
    }
    return ok(refs);
  }

  /** Returns how many edges were added. `watch` hears of the edges about to change (group-effects.ts). */
  function addEdges(groupKey: number, members: readonly MemberRef[], watch?: EdgeWatch): number {
    // User edges never touch the closure (it is over groups only), so they go in as one batch.
    const userKeys = members.filter((member) => member.type === 'User').map((member) => member.key);
    if (watch) {
      watch.users(userKeys, 'add');
      watch.childGroups(members.filter((member) => member.type === 'Group').map((member) => member.key), 'add');
    }
    let added = userKeys.length > 0 ? insertUserEdges.run(groupKey, JSON.stringify(userKeys)).changes : 0;
    for (const member of members) {
      if (member.type !== 'Group') continue;
      const changes = insertGroupEdge.run(groupKey, member.key).changes;
      if (changes > 0) closure.linked(groupKey, member.key);
      added += changes;
    }
    return added;
  }

  /** Removes the listed members (by id; ids that are no member are ignored, as SCIM asks). */
  function removeEdges(groupKey: number, memberIds: readonly string[], watch?: EdgeWatch): number {
    if (memberIds.length === 0) return 0;
    const rows = lookUp(memberIds);
    // Closure candidates must be read before the edges go; a removed user edge needs no closure work.
    // An id is a user's first, as resolve() reads it.
    const childKeys = rows.flatMap((row) =>
      row.user_key == null && row.group_key != null && isGroupEdge.get(groupKey, row.group_key) !== undefined ? [row.group_key] : [],
    );
    if (watch) {
      watch.users(rows.flatMap((row) => (row.user_key != null ? [row.user_key] : [])), 'remove');
      watch.childGroups(childKeys, 'remove');
    }
    const prune = closure.unlinking([groupKey], childKeys);
    let removed = 0;
    for (const row of rows) if (row.user_key != null) removed += deleteUserEdge.run(groupKey, row.user_key).changes;
    for (const child of childKeys) removed += deleteGroupEdge.run(groupKey, child).changes;
    prune();
    return removed;
  }

  function removeAllEdges(groupKey: number, watch?: EdgeWatch): number {
    watch?.wholeGroup();
    const prune = closure.unlinking([groupKey], childGroupsOf.all(groupKey));
    const removed = deleteUsersOfGroup.run(groupKey).changes + deleteChildrenOfGroup.run(groupKey).changes;
    prune();
    return removed;
  }

  /** A deleted user or group leaves every group it was in. */
  function removeMemberEverywhere(type: MemberType, key: number, watch?: EdgeWatch): number {
    if (type === 'User') return deleteUserEverywhere.run(key).changes;
    watch?.wholeGroup();
    const prune = closure.unlinking(parentGroupsOf.all(key), [key]);
    const removed = deleteGroupEverywhere.run(key).changes;
    prune();
    return removed;
  }

  /** Apply edits in order; validation happens up front so a bad member changes nothing. */
  function apply(groupKey: number, changes: readonly MemberChange[], watch?: EdgeWatch): DirectoryResult<number> {
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
      if (change.kind === 'add') touched += addEdges(groupKey, refs, watch);
      else if (change.kind === 'remove') touched += removeEdges(groupKey, change.values, watch);
      else if (change.kind === 'removeAll') touched += removeAllEdges(groupKey, watch);
      else touched += removeAllEdges(groupKey, watch) + addEdges(groupKey, refs, watch);
    });
    return ok(touched);
  }

  return { resolve, addEdges, apply, removeAllEdges, removeMemberEverywhere };
}

export type Memberships = ReturnType<typeof createMemberships>;
