/**
 * The nested-group closure: group_closure holds (ancestor, descendant) for every path of one or
 * more group→group edges in group_groups, by group key. memberships.ts calls in here beside each edge change,
 * inside the same transaction, so the closure never disagrees with the edges that commit.
 *
 * Cycles are legal SCIM input, so the closure means reachability, not a tree. Adding an edge
 * only ever adds pairs (a cross product); removing one recomputes, by a walk bounded to the
 * ancestors that could have used the edge, which pairs are still reachable some other way.
 */
import type Database from 'better-sqlite3';

export function createClosure(sqlite: Database.Database) {
  // ({parent} ∪ ancestors(parent)) × ({child} ∪ descendants(child)): every new path through the edge.
  const link = sqlite.prepare<{ parent: number; child: number }>(
    `INSERT OR IGNORE INTO group_closure (ancestor_key, descendant_key)
     SELECT a.k, d.k
       FROM (SELECT @parent AS k UNION SELECT ancestor_key FROM group_closure WHERE descendant_key = @parent) AS a,
            (SELECT @child AS k UNION SELECT descendant_key FROM group_closure WHERE ancestor_key = @child) AS d`,
  );
  const ancestorsOf = sqlite.prepare<[number], number>('SELECT ancestor_key FROM group_closure WHERE descendant_key = ?').pluck();
  const descendantsOf = sqlite.prepare<[number], number>('SELECT descendant_key FROM group_closure WHERE ancestor_key = ?').pluck();
  // The truth, walked from the edges themselves; UNION deduplicates, so a cycle ends the walk.
  const reachableFrom = sqlite
    .prepare<[number], number>(
      `WITH RECURSIVE reach(k) AS (
         SELECT child_key FROM group_groups WHERE parent_key = ?
         UNION
         SELECT e.child_key FROM reach JOIN group_groups e ON e.parent_key = reach.k
       ) SELECT k FROM reach`,
    )
    .pluck();
  const unlinkPair = sqlite.prepare<[number, number]>('DELETE FROM group_closure WHERE ancestor_key = ? AND descendant_key = ?');

  const keys = (rows: Iterable<number>, into = new Set<number>()): Set<number> => {
    for (const key of rows) into.add(key);
    return into;
  };

  return {
    /** After inserting the edge parent → child (group keys). */
    linked(parent: number, child: number): void {
      link.run({ parent, child });
    },

    /**
     * Call BEFORE deleting group→group edges from `parents` to `children`; returns the step to
     * run AFTER the delete. Only pairs (a, d) with a reaching a parent and d reached from a child
     * can lose their path, so only those ancestors are re-walked and only those pairs re-checked.
     */
    unlinking(parents: readonly number[], children: readonly number[]): () => void {
      if (parents.length === 0 || children.length === 0) return () => undefined;
      const affected = new Set<number>(parents);
      for (const parent of parents) keys(ancestorsOf.iterate(parent), affected);
      const candidates = new Set<number>(children);
      for (const child of children) keys(descendantsOf.iterate(child), candidates);
      return () => {
        for (const ancestor of affected) {
          const stale = [...keys(descendantsOf.iterate(ancestor))].filter((d) => candidates.has(d));
          if (stale.length === 0) continue;
          const reach = keys(reachableFrom.iterate(ancestor));
          for (const d of stale) if (!reach.has(d)) unlinkPair.run(ancestor, d);
        }
      };
    },
  };
}

export type Closure = ReturnType<typeof createClosure>;
