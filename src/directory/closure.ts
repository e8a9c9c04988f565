/**
 * The nested-group closure: group_closure holds (ancestor, descendant) for every path of one or
 * more group→group edges in group_members. memberships.ts calls in here beside each edge change,
 * inside the same transaction, so the closure never disagrees with the edges that commit.
 *
 * Cycles are legal SCIM input, so the closure means reachability, not a tree. Adding an edge
 * only ever adds pairs (a cross product); removing one recomputes, by a walk bounded to the
 * ancestors that could have used the edge, which pairs are still reachable some other way.
 */
import type Database from 'better-sqlite3';

export function createClosure(sqlite: Database.Database) {
  // ({parent} ∪ ancestors(parent)) × ({child} ∪ descendants(child)): every new path through the edge.
  const link = sqlite.prepare<{ parent: string; child: string }>(
    `INSERT OR IGNORE INTO group_closure (ancestor_id, descendant_id)
     SELECT a.id, d.id
       FROM (SELECT @parent AS id UNION SELECT ancestor_id FROM group_closure WHERE descendant_id = @parent) AS a,
            (SELECT @child AS id UNION SELECT descendant_id FROM group_closure WHERE ancestor_id = @child) AS d`,
  );
  const ancestorsOf = sqlite.prepare<[string], { id: string }>('SELECT ancestor_id AS id FROM group_closure WHERE descendant_id = ?');
  const descendantsOf = sqlite.prepare<[string], { id: string }>('SELECT descendant_id AS id FROM group_closure WHERE ancestor_id = ?');
  // The truth, walked from the edges themselves; UNION deduplicates, so a cycle ends the walk.
  const reachableFrom = sqlite.prepare<[string], { id: string }>(
    `WITH RECURSIVE reach(id) AS (
       SELECT member_id FROM group_members WHERE group_id = ? AND member_type = 'Group'
       UNION
       SELECT m.member_id FROM reach JOIN group_members m ON m.group_id = reach.id AND m.member_type = 'Group'
     ) SELECT id FROM reach`,
  );
  const unlinkPair = sqlite.prepare<[string, string]>('DELETE FROM group_closure WHERE ancestor_id = ? AND descendant_id = ?');

  const ids = (rows: Iterable<{ id: string }>, into = new Set<string>()): Set<string> => {
    for (const row of rows) into.add(row.id);
    return into;
  };

  return {
    /** After inserting the edge parent → child (a group). */
    linked(parent: string, child: string): void {
      link.run({ parent, child });
    },

    /**
     * Call BEFORE deleting group→group edges from `parents` to `children`; returns the step to
     * run AFTER the delete. Only pairs (a, d) with a reaching a parent and d reached from a child
     * can lose their path, so only those ancestors are re-walked and only those pairs re-checked.
     */
    unlinking(parents: readonly string[], children: readonly string[]): () => void {
      if (parents.length === 0 || children.length === 0) return () => undefined;
      const affected = new Set<string>(parents);
      for (const parent of parents) ids(ancestorsOf.iterate(parent), affected);
      const candidates = new Set<string>(children);
      for (const child of children) ids(descendantsOf.iterate(child), candidates);
      return () => {
        for (const ancestor of affected) {
          const stale = [...ids(descendantsOf.iterate(ancestor))].filter((d) => candidates.has(d));
          if (stale.length === 0) continue;
          const reach = ids(reachableFrom.iterate(ancestor));
          for (const d of stale) if (!reach.has(d)) unlinkPair.run(ancestor, d);
        }
      };
    },
  };
}

export type Closure = ReturnType<typeof createClosure>;
