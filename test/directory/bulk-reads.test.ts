/**
 * Bulk reads for access reviews against the per-user indexed lookups the gate uses: for random
 * directories with nested (and cyclic) groups, every user's effective groups agree, and the
 * membership path leads from a direct group to each effective one through real edges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDirectory, membershipPath } from '../../src/directory/index.js';
import { openStore } from '../../src/store/index.js';

const GROUPS = 6;
const USERS = 5;
const edge = fc.record({ group: fc.nat(GROUPS - 1), member: fc.oneof(fc.record({ group: fc.nat(GROUPS - 1) }), fc.record({ user: fc.nat(USERS - 1) })) });

function build(edges: { group: number; member: { group: number } | { user: number } }[]) {
  const directory = createDirectory({ store: openStore(':memory:') });
  const groups = Array.from({ length: GROUPS }, (_, i) => {
    const created = directory.groups.create({ displayName: `G${i}` });
    if (!created.ok) throw new Error(created.error.detail);
    return created.value.id;
  });
  const users = Array.from({ length: USERS }, (_, i) => {
    const created = directory.users.create({ userName: `u${i}@example.com`, department: i % 2 ? 'Sales' : 'Engineering' });
    if (!created.ok) throw new Error(created.error.detail);
    return created.value.id;
  });
  for (const e of edges) {
    const value = 'group' in e.member ? (groups[e.member.group] as string) : (users[e.member.user] as string);
    const changed = directory.groups.modify(groups[e.group] as string, undefined, [{ kind: 'add', members: [{ value }] }]);
    if (!changed.ok) throw new Error(changed.error.detail);
  }
  return directory;
}

describe('bulk reads for access reviews', () => {
  it('every user, with the effective groups the per-user lookup gives, and a real path to each', () => {
    fc.assert(
      fc.property(fc.array(edge, { maxLength: 20 }), (edges) => {
        const directory = build(edges);
        const seen: string[] = [];
        directory.bulk.scanUsers((user, graph) => {
          seen.push(user.id);
          expect(user.doc.department).toBe(user.userName.startsWith('u1') || user.userName.startsWith('u3') ? 'Sales' : 'Engineering');
          const expected = directory.effective.effectiveGroups(user.id).map((g) => g.id).sort();
          expect(user.effectiveGroups.map((g) => g.id).sort()).toEqual(expected);
          for (const target of user.effectiveGroups) {
            const path = membershipPath(graph, user.directGroups, target.key);
            expect(path, `${user.userName} → ${target.displayName}`).toBeDefined();
            const steps = path ?? [];
            expect(user.directGroups.map((g) => g.key)).toContain(steps[0]?.key);
            expect(steps.at(-1)?.key).toBe(target.key);
            for (let i = 1; i < steps.length; i++) expect(graph.parents((steps[i - 1] as { key: number }).key)).toContain(steps[i]?.key);
          }
        });
        expect(seen.length).toBe(USERS);
        for (const id of seen) {
          const expected = directory.effective.effectiveGroups(id).map((g) => g.id).sort();
          expect(directory.bulk.user(id)?.user.effectiveGroups.map((g) => g.id).sort()).toEqual(expected);
        }
        expect(directory.bulk.user('no-such-user')).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});
