/**
 * The whole directory read in bulk, for access reviews (`scimgate access review`): every user
 * with their effective groups, and the group graph to explain a nested membership, in a handful
 * of set-based statements instead of one query per user — at Entra scale (100k users, 10k
 * groups, 1M memberships) a per-user lookup would be 100k round trips.
 *
 * Read-only, and one snapshot: every statement runs inside one read transaction. Users are
 * streamed to a visitor (their documents parsed one at a time), so memory holds the group graph
 * and the memberships as integer arrays, never all the documents at once.
 */
import type Database from 'better-sqlite3';
import type { BulkGroup, BulkReads, BulkUser, GroupGraph } from '../../persistence/directory.js';
import type { ReadSnapshot } from '../../store/read-snapshot.js';

const EMPTY: readonly number[] = Object.freeze([]);

/** `read`: the store's read snapshot (src/store/read-snapshot.ts), so every statement sees one state. */
export function createBulkReads(sqlite: Database.Database, read: ReadSnapshot): BulkReads {
  const groupRows = sqlite.prepare<[], [number, string, string, string | null]>('SELECT key, id, display_name, external_id FROM groups').raw();
  const edgeRows = sqlite.prepare<[], [number, number]>('SELECT child_key, parent_key FROM group_groups').raw();
  const closureRows = sqlite.prepare<[], [number, number]>('SELECT descendant_key, ancestor_key FROM group_closure').raw();
  // One row per user, not per membership: 1M rows crossing into JS cost several times 100k strings.
  const memberRows = sqlite.prepare<[], [number, string]>("SELECT user_key, group_concat(group_key, ',') FROM group_users GROUP BY user_key ORDER BY user_key").raw();
  const oneUser = sqlite.prepare<{ id: string }, [number, string, string, string | null, number, string]>('SELECT key, id, user_name, external_id, active, doc FROM users WHERE id = @id').raw();
  const directOf = sqlite.prepare<{ key: number }, number>('SELECT group_key FROM group_users WHERE user_key = @key').pluck();
  const userRows = sqlite
    .prepare<[], [number, string, string, string | null, number, string]>('SELECT key, id, user_name, external_id, active, doc FROM users ORDER BY key')
    .raw();

  const scan = (visit: (user: BulkUser, graph: GroupGraph) => void): GroupGraph => {
    const graph = loadGraph();
    // Memberships as two parallel integer arrays sorted by user key: 1M memberships in ~8 MB.
    const members = loadMemberships();
    let at = 0;
    // Users in the same single group (common after Entra's group assignment) share one list.
    const sharedByGroup = new Map<number, readonly BulkGroup[]>();
    const directKeys: number[] = [];
    for (const [key, id, userName, externalId, active, doc] of userRows.iterate()) {
      while (at < members.count && (members.users[at] as number) < key) at++;
      directKeys.length = 0;
      for (; at < members.count && members.users[at] === key; at++) directKeys.push(members.groups[at] as number);
      const { direct, effective } = groupsOf(graph, directKeys, sharedByGroup);
      visit({ id, userName, externalId, active: active === 1, doc: JSON.parse(doc) as Record<string, unknown>, directGroups: direct, effectiveGroups: effective }, graph);
    }
    return graph;
  };

  const one = (id: string): { user: BulkUser; graph: GroupGraph } | undefined => {
    const row = oneUser.get({ id });
    if (!row) return undefined;
    const [key, userId, userName, externalId, active, doc] = row;
    const graph = loadGraph();
    const { direct, effective } = groupsOf(graph, directOf.all({ key }), new Map());
    return { user: { id: userId, userName, externalId, active: active === 1, doc: JSON.parse(doc) as Record<string, unknown>, directGroups: direct, effectiveGroups: effective }, graph };
  };

  function loadGraph(): GroupGraph {
    const byKey = new Map<number, BulkGroup>();
    for (const [key, id, displayName, externalId] of groupRows.iterate()) byKey.set(key, { key, id, displayName, externalId });
    const parents = new Map<number, number[]>();
    for (const [child, parent] of edgeRows.iterate()) push(parents, child, parent);
    const ancestors = new Map<number, number[]>();
    for (const [descendant, ancestor] of closureRows.iterate()) push(ancestors, descendant, ancestor);
    return { byKey, parents: (key) => parents.get(key) ?? EMPTY, ancestors: (key) => ancestors.get(key) ?? EMPTY };
  }

  function loadMemberships(): { users: Int32Array<ArrayBuffer>; groups: Int32Array<ArrayBuffer>; count: number } {
    let users = new Int32Array(1024);
    let groups = new Int32Array(1024);
    let count = 0;
    for (const [user, list] of memberRows.iterate()) {
      let from = 0;
      while (from < list.length) {
        let to = list.indexOf(',', from);
        if (to === -1) to = list.length;
        if (count === users.length) {
          users = grow(users);
          groups = grow(groups);
        }
        users[count] = user;
        groups[count] = Number(list.slice(from, to));
        count++;
        from = to + 1;
      }
    }
    return { users, groups, count };
  }

  return { scanUsers: (visit) => read(() => scan(visit)), user: (id) => read(() => one(id)) };
}

/** A user's direct groups and their closure, each group once. */
function groupsOf(graph: GroupGraph, directKeys: readonly number[], sharedByGroup: Map<number, readonly BulkGroup[]>): { direct: BulkGroup[]; effective: readonly BulkGroup[] } {
  const direct: BulkGroup[] = [];
  for (const key of directKeys) {
    const group = graph.byKey.get(key);
    if (group) direct.push(group);
  }
  const single = direct.length === 1 ? (direct[0] as BulkGroup).key : undefined;
  const shared = single === undefined ? undefined : sharedByGroup.get(single);
  if (shared) return { direct, effective: shared };
  const seen = new Set<number>();
  const effective: BulkGroup[] = [];
  for (const group of direct) {
    if (!seen.has(group.key)) {
      seen.add(group.key);
      effective.push(group);
    }
    for (const ancestor of graph.ancestors(group.key)) {
      if (seen.has(ancestor)) continue;
      seen.add(ancestor);
      const found = graph.byKey.get(ancestor);
      if (found) effective.push(found);
    }
  }
  if (single !== undefined) sharedByGroup.set(single, effective);
  return { direct, effective };
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * The shortest chain of direct memberships from one of `from` (a user's direct groups) up to
 * `target`: `[Platform Team, Engineering]` for a user in Platform Team, itself in Engineering.
 * Undefined when `target` is not reachable.
 */
export function membershipPath(graph: GroupGraph, from: readonly BulkGroup[], target: number): BulkGroup[] | undefined {
  const previous = new Map<number, number | null>();
  let frontier: number[] = [];
  for (const group of from) {
    if (previous.has(group.key)) continue;
    previous.set(group.key, null);
    frontier.push(group.key);
  }
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const key of frontier) {
      if (key === target) return chain(graph, previous, key);
      for (const parent of graph.parents(key)) {
        if (previous.has(parent)) continue;
        previous.set(parent, key);
        next.push(parent);
      }
    }
    frontier = next;
  }
  return undefined;
}

function chain(graph: GroupGraph, previous: ReadonlyMap<number, number | null>, end: number): BulkGroup[] {
  const out: BulkGroup[] = [];
  for (let key: number | null | undefined = end; key !== null && key !== undefined; key = previous.get(key)) {
    const group = graph.byKey.get(key);
    if (group) out.unshift(group);
  }
  return out;
}
