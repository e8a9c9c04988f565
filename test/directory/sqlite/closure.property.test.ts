/**
 * The nested-group closure against a reference: after any sequence of membership edits (user
 * and group members, self-membership and cycles), group deletions and user deletions, the stored
 * closure and every user's effective groups equal a breadth-first walk over the direct edges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDirectory, type Directory } from '../../../src/directory/index.js';
import { openStore, type Store } from '../../../src/store/index.js';

/**
 * The property below is bounded by its number of runs; this limit only catches a hang, and is
 * wide enough for a machine several times busier than a quiet one.
 */
const RUNS_NOT_TIME = 120_000;

const GROUPS = 5;
const USERS = 4;

type Slot = { kind: 'user' | 'group'; index: number };
type Command =
  | { op: 'add'; group: number; members: Slot[] }
  | { op: 'remove'; group: number; members: Slot[] }
  | { op: 'replace'; group: number; members: Slot[] }
  | { op: 'removeAll'; group: number }
  | { op: 'deleteGroup'; group: number }
  | { op: 'deleteUser'; user: number };

const slot = fc.oneof(
  fc.record({ kind: fc.constant('group' as const), index: fc.nat(GROUPS - 1) }),
  fc.record({ kind: fc.constant('user' as const), index: fc.nat(USERS - 1) }),
);
const members = fc.array(slot, { maxLength: 4 });
const group = fc.nat(GROUPS - 1);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('add' as const), group, members }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), group, members }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('replace' as const), group, members }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeAll' as const), group }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteGroup' as const), group }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteUser' as const), user: fc.nat(USERS - 1) }) },
);

class World {
  readonly store: Store = openStore(':memory:');
  readonly directory: Directory = createDirectory({ store: this.store });
  readonly groups: string[] = [];
  readonly users: string[] = [];
  private serial = 0;

  constructor() {
    for (let i = 0; i < GROUPS; i++) this.groups.push(this.newGroup());
    for (let i = 0; i < USERS; i++) this.users.push(this.newUser());
  }

  private newGroup(): string {
    const created = this.directory.groups.create({ displayName: `g${this.serial++}` });
    if (!created.ok) throw new Error(created.error.detail);
    return created.value.id;
  }

  private newUser(): string {
    const created = this.directory.users.create({ userName: `u${this.serial++}@example.com` });
    if (!created.ok) throw new Error(created.error.detail);
    return created.value.id;
  }

  private id(s: Slot): string {
    return (s.kind === 'group' ? this.groups : this.users)[s.index] as string;
  }

  run(c: Command): void {
    const groupId = 'group' in c ? (this.groups[c.group] as string) : '';
    const refs = 'members' in c ? c.members.map((m) => ({ value: this.id(m) })) : [];
    const edit = (change: Parameters<Directory['groups']['modify']>[2]) => {
      const result = this.directory.groups.modify(groupId, undefined, change);
      if (!result.ok) throw new Error(result.error.detail);
    };
    switch (c.op) {
      case 'add':
        return edit([{ kind: 'add', members: refs }]);
      case 'remove':
        return edit([{ kind: 'remove', values: refs.map((r) => r.value) }]);
      case 'replace':
        return edit([{ kind: 'replace', members: refs }]);
      case 'removeAll':
        return edit([{ kind: 'removeAll' }]);
      case 'deleteGroup': {
        const deleted = this.directory.groups.delete(groupId);
        if (!deleted.ok) throw new Error(deleted.error.detail);
        this.groups[c.group] = this.newGroup();
        return;
      }
      case 'deleteUser': {
        const deleted = this.directory.users.delete(this.users[c.user] as string);
        if (!deleted.ok) throw new Error(deleted.error.detail);
        this.users[c.user] = this.newUser();
        return;
      }
    }
  }

  /** Compare the stored closure and effective groups with a BFS over the stored direct edges. */
  check(): void {
    const edges = this.store.sqlite
      .prepare<[], { group_id: string; member_id: string; member_type: string }>(
        `SELECT g.id AS group_id, u.id AS member_id, 'User' AS member_type
           FROM group_users gu JOIN groups g ON g.key = gu.group_key JOIN users u ON u.key = gu.user_key
         UNION ALL
         SELECT p.id, c.id, 'Group'
           FROM group_groups gg JOIN groups p ON p.key = gg.parent_key JOIN groups c ON c.key = gg.child_key`,
      )
      .all();
    const children = new Map<string, string[]>();
    for (const e of edges) {
      if (e.member_type !== 'Group') continue;
      children.set(e.group_id, [...(children.get(e.group_id) ?? []), e.member_id]);
    }
    const reach = (from: string): Set<string> => {
      const seen = new Set<string>();
      const queue = [...(children.get(from) ?? [])];
      while (queue.length > 0) {
        const next = queue.shift() as string;
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(...(children.get(next) ?? []));
      }
      return seen;
    };
    const expectedPairs = this.groups.flatMap((g) => [...reach(g)].map((d) => `${g}>${d}`)).sort();
    const storedPairs = this.store.sqlite
      .prepare<[], { a: string; d: string }>(
        'SELECT a.id AS a, d.id AS d FROM group_closure c JOIN groups a ON a.key = c.ancestor_key JOIN groups d ON d.key = c.descendant_key',
      )
      .all()
      .map((r) => `${r.a}>${r.d}`)
      .sort();
    expect(storedPairs).toEqual(expectedPairs);

    const groupsOf = this.directory.reads.groupsOf(this.users);
    for (const user of this.users) {
      const direct = new Set(edges.filter((e) => e.member_id === user).map((e) => e.group_id));
      const effective = new Set(direct);
      for (const g of this.groups) for (const d of reach(g)) if (direct.has(d)) effective.add(g);
      const got = this.directory.effective.effectiveGroups(user).map((g) => g.id).sort();
      expect(got).toEqual([...effective].sort());
      const typed = (groupsOf.get(user) ?? []).map((r) => `${r.groupId}:${r.type}`).sort();
      expect(typed).toEqual([...effective].map((g) => `${g}:${direct.has(g) ? 'direct' : 'indirect'}`).sort());
    }
    for (const g of this.groups) {
      const expected = this.users.filter((u) => this.directory.effective.effectiveGroups(u).some((eg) => eg.id === g)).sort();
      const got = this.directory.effective.effectiveMembers(g, { limit: 2 });
      const all = [...got.items];
      for (let next = got.next; next !== undefined; ) {
        const page = this.directory.effective.effectiveMembers(g, { after: next, limit: 2 });
        all.push(...page.items);
        next = page.next;
      }
      expect(all.map((m) => m.id)).toEqual(expected);
      expect(this.directory.effective.countEffectiveMembers(g)).toBe(expected.length);
    }
  }
}

describe('nested groups: closure equals BFS reachability over direct edges', () => {
  it('after any sequence of adds, removes, replaces, group and user deletions (cycles included)', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 20 }), (commands) => {
        const world = new World();
        try {
          for (const c of commands) {
            world.run(c);
            world.check();
          }
        } finally {
          world.store.close();
        }
      }),
      // Bounded by runs, not by the clock: ~1.5 s on a quiet machine. 5 groups and 4 users
      // with up to 20 edits already reach cycles, diamonds and deletions mid-chain; longer
      // sequences mostly repeat them, each step checked against BFS at full cost.
      { numRuns: 80 },
    );
  }, RUNS_NOT_TIME);

  it('a three-group cycle: every group reaches every group, and breaking one edge keeps the rest', () => {
    const world = new World();
    const [a, b, c] = world.groups as [string, string, string];
    const [u] = world.users as [string];
    world.run({ op: 'add', group: 0, members: [{ kind: 'group', index: 1 }] });
    world.run({ op: 'add', group: 1, members: [{ kind: 'group', index: 2 }] });
    world.run({ op: 'add', group: 2, members: [{ kind: 'group', index: 0 }, { kind: 'user', index: 0 }] });
    world.check();
    expect(world.directory.effective.effectiveGroups(u).map((g) => g.id).sort()).toEqual([a, b, c].sort());
    world.run({ op: 'remove', group: 1, members: [{ kind: 'group', index: 2 }] });
    world.check();
    expect(world.directory.effective.effectiveGroups(u).map((g) => g.id).sort()).toEqual([c]);
    world.store.close();
  });
});
