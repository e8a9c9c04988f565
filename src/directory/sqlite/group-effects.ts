/**
 * What a write to one group's edges does to users' effective groups (direct or through nesting),
 * for change listeners (the hooks' user.groups_changed, issue 14). Computed set-wise, inside the
 * write, from the closure — never by walking the graph per user:
 *
 * - Only groups in {G} ∪ ancestors(G) can be gained or lost by a change to G's edges (or G's
 *   deletion): every path that changes runs through G. Those are the candidate groups, read once.
 * - Only users the changed edges reach can gain or lose them: a user edge's user, and the users
 *   directly in a child group's subtree. memberships.ts names them (`touch`) just before each edge
 *   changes, so each candidate's state is read before anything could have moved it.
 * - finish() reads the candidates' memberships of the candidate groups again and diffs. When the
 *   write only added edges, it need not read: every user an added edge reaches is now in G, hence
 *   in every candidate group.
 *
 * Only while someone wants them (DirectoryDeps.effectiveGroupChanges: the server asks whether a
 * hook subscriber takes user.groups_changed); otherwise a group write reads nothing extra.
 *
 * A 10,000-member add costs two indexed reads over those 10,000 users (json_each of their keys,
 * keeping in SQL only their memberships of groups under a candidate), plus one read of the users
 * that changed; a one-member add into a huge group costs reads of one user (bench/README.md has
 * the figures).
 */
import type Database from 'better-sqlite3';
import type { EffectiveGroupsChange, GroupRef } from '../../persistence/directory.js';
import { PRIMARY_EMAIL_SQL } from './changed-user.js';

/** Whether the edges about to change are being added or removed. */
export type EdgeChange = 'add' | 'remove';

export interface EdgeWatch {
  /** Before edges of these users to the watched group change. */
  users(userKeys: readonly number[], change: EdgeChange): void;
  /** Before edges to these child groups change: their subtrees' users are candidates. */
  childGroups(groupKeys: readonly number[], change: EdgeChange): void;
  /** Before every edge of the watched group changes (removeAll, delete): its whole subtree. */
  wholeGroup(): void;
  /** After the write's edge changes: who gained or lost which groups. */
  finish(): EffectiveGroupsChange[];
}

interface Pair {
  u: number;
  g: number;
}

/** `wanted` is asked at each write (DirectoryDeps.effectiveGroupChanges): when it says no, nothing is watched or read. */
export function createGroupEffects(sqlite: Database.Database, wanted: () => boolean = () => true) {
  const candidateGroups = sqlite.prepare<{ g: number }, GroupRef & { key: number }>(
    `SELECT key, id, display_name AS displayName FROM groups
      WHERE key = @g OR key IN (SELECT ancestor_key FROM group_closure WHERE descendant_key = @g)`,
  );
  // Every group whose direct members are members of a candidate group, with that candidate: the
  // candidates themselves and their descendants. Small: the candidates are one group and its ancestors.
  const underCandidates = sqlite.prepare<{ groups: string }, { c: number; d: number }>(
    `SELECT value AS c, value AS d FROM json_each(@groups)
     UNION SELECT gc.ancestor_key, gc.descendant_key FROM json_each(@groups) j CROSS JOIN group_closure gc ON gc.ancestor_key = j.value`,
  );
  // The users' direct memberships of those groups only, in one statement: json_each drives the
  // user index, and the IN list is built once per statement, so SQLite (not JavaScript) skips the
  // many direct groups that lie under no candidate.
  const directGroupsUnder = sqlite.prepare<{ users: string; groups: string }, Pair>(
    `SELECT gu.user_key AS u, gu.group_key AS g FROM json_each(@users) j CROSS JOIN group_users gu ON gu.user_key = j.value
      WHERE gu.group_key IN (SELECT value FROM json_each(@groups))`,
  );
  const subtreeUsers = sqlite
    .prepare<{ groups: string }, number>(
      `WITH roots(k) AS (SELECT value FROM json_each(@groups)),
            tree(k) AS (SELECT k FROM roots UNION SELECT c.descendant_key FROM group_closure c JOIN roots ON c.ancestor_key = roots.k)
       SELECT DISTINCT gu.user_key FROM group_users gu WHERE gu.group_key IN tree`,
    )
    .pluck();
  const usersByKey = sqlite.prepare<{ users: string }, { key: number; id: string; userName: string; externalId: string | null; email: string | null }>(
    `SELECT u.key, u.id, u.user_name AS userName, u.external_id AS externalId, ${PRIMARY_EMAIL_SQL} AS email
       FROM json_each(@users) j JOIN users u ON u.key = j.value`,
  );

  /** Each user's memberships among `candidates`: direct, or through a direct group under one (as the closure is now). */
  const pairsOf = (userKeys: readonly number[], candidates: ReadonlySet<number>): Map<number, Set<number>> => {
    const found = new Map<number, Set<number>>();
    if (userKeys.length === 0) return found;
    const over = new Map<number, number[]>();
    for (const { c, d } of underCandidates.all({ groups: JSON.stringify([...candidates]) })) {
      const list = over.get(d);
      if (list) list.push(c);
      else over.set(d, [c]);
    }
    for (const { u, g } of directGroupsUnder.iterate({ users: JSON.stringify(userKeys), groups: JSON.stringify([...over.keys()]) })) {
      let set = found.get(u);
      if (!set) found.set(u, (set = new Set()));
      for (const k of over.get(g) ?? []) set.add(k);
    }
    return found;
  };

  /** Starts watching writes to the edges of group `groupKey` (which must exist now); undefined when nobody wants the effects. */
  function watch(groupKey: number): EdgeWatch | undefined {
    if (!wanted()) return undefined;
    const groupRows = candidateGroups.all({ g: groupKey });
    const names = new Map(groupRows.map((row) => [row.key, { id: row.id, displayName: row.displayName }]));
    const groups = new Set(groupRows.map((row) => row.key));
    const before = new Map<number, Set<number>>();
    const seen = new Set<number>();
    let onlyAdded = true;

    const users = (userKeys: readonly number[], change: EdgeChange) => {
      if (change === 'remove') onlyAdded = false;
      const fresh = userKeys.filter((key) => !seen.has(key));
      if (fresh.length === 0) return;
      for (const key of fresh) seen.add(key);
      for (const [u, set] of pairsOf(fresh, groups)) before.set(u, set);
    };

    return {
      users,
      childGroups(groupKeys, change) {
        if (groupKeys.length > 0) users(subtreeUsers.all({ groups: JSON.stringify(groupKeys) }), change);
      },
      wholeGroup() {
        users(subtreeUsers.all({ groups: JSON.stringify([groupKey]) }), 'remove');
      },
      finish() {
        if (seen.size === 0) return [];
        const after = onlyAdded ? undefined : pairsOf([...seen], groups);
        const deltas = new Map<number, { added: number[]; removed: number[] }>();
        const none = new Set<number>();
        for (const u of seen) {
          const was = before.get(u) ?? none;
          const now = after ? (after.get(u) ?? none) : groups;
          const added = [...now].filter((g) => !was.has(g));
          const removed = [...was].filter((g) => !now.has(g));
          if (added.length > 0 || removed.length > 0) deltas.set(u, { added, removed });
        }
        if (deltas.size === 0) return [];
        // A group renamed in the same write is named as it now is; a deleted one as it was.
        for (const row of candidateGroups.all({ g: groupKey })) names.set(row.key, { id: row.id, displayName: row.displayName });
        const ref = (g: number): GroupRef => names.get(g) ?? { id: String(g), displayName: '' };
        const byName = (a: GroupRef, b: GroupRef) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0);
        // Users of one write mostly share one delta (all 10,000 added to G gain G and its ancestors):
        // each distinct list is named and sorted once, and shared.
        const named = new Map<string, GroupRef[]>();
        const refs = (keys: number[]): GroupRef[] => {
          const id = keys.join(',');
          let list = named.get(id);
          if (!list) named.set(id, (list = keys.map(ref).sort(byName)));
          return list;
        };
        return usersByKey.all({ users: JSON.stringify([...deltas.keys()]) }).map((row) => {
          const delta = deltas.get(row.key) ?? { added: [], removed: [] };
          return {
            user: { id: row.id, userName: row.userName, externalId: row.externalId, email: row.email ?? undefined },
            added: refs(delta.added),
            removed: refs(delta.removed),
          };
        });
      },
    };
  }

  return { watch };
}

export type GroupEffects = ReturnType<typeof createGroupEffects>;
