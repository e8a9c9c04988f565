/**
 * user.groups_changed's source against a reference: after any membership edit, group creation
 * with members, or group deletion (self-membership and cycles included), the effective-group
 * changes the directory reports to its listeners equal the difference between every user's
 * effective groups read before and after the write — no user missed, none reported for nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDirectory, type Directory, type RecordedEvent } from '../../../src/directory/index.js';
import { openStore } from '../../../src/store/index.js';

const RUNS_NOT_TIME = 120_000;
const GROUPS = 5;
const USERS = 4;

type Slot = { kind: 'user' | 'group'; index: number };
type Command =
  | { op: 'add' | 'remove' | 'replace'; group: number; members: Slot[] }
  | { op: 'removeAll' | 'deleteGroup'; group: number }
  | { op: 'createGroup'; group: number; members: Slot[] };

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
  { weight: 1, arbitrary: fc.record({ op: fc.constant('createGroup' as const), group, members }) },
);

class World {
  readonly events: RecordedEvent[] = [];
  readonly directory: Directory = createDirectory({ store: openStore(':memory:'), listeners: [(event) => void this.events.push(event)] });
  readonly groups: string[] = [];
  readonly users: string[] = [];
  private serial = 0;

  constructor() {
    for (let i = 0; i < GROUPS; i++) this.groups.push(this.newGroup([]));
    for (let i = 0; i < USERS; i++) {
      const created = this.directory.users.create({ userName: `u${i}@example.com` });
      if (!created.ok) throw new Error(created.error.detail);
      this.users.push(created.value.id);
    }
  }

  private newGroup(members: { value: string }[]): string {
    const created = this.directory.groups.create({ displayName: `g${this.serial++}` }, members);
    if (!created.ok) throw new Error(created.error.detail);
    return created.value.id;
  }

  private id(s: Slot): string {
    return (s.kind === 'group' ? this.groups : this.users)[s.index] as string;
  }

  /** Every user's effective groups, as "user>group" strings. */
  effective(): Set<string> {
    return new Set(this.users.flatMap((u) => this.directory.effective.effectiveGroups(u).map((g) => `${u}>${g.id}`)));
  }

  run(c: Command): void {
    const groupId = this.groups[c.group] as string;
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
        this.groups[c.group] = this.newGroup([]);
        return;
      }
      case 'createGroup':
        // Replaces the slot's group by a new one created with these members (a new group may not name itself).
        this.groups[c.group] = this.newGroup(refs.filter((r) => r.value !== groupId));
        return;
    }
  }
}

describe('effective-group changes reported to listeners', () => {
  it('equal the before/after difference of every user\'s effective groups', { timeout: RUNS_NOT_TIME }, () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 12 }), (commands) => {
        const world = new World();
        for (const c of commands) {
          const before = world.effective();
          world.events.length = 0;
          world.run(c);
          const after = world.effective();
          const expected = [
            ...[...after].filter((p) => !before.has(p)).map((p) => `+${p}`),
            ...[...before].filter((p) => !after.has(p)).map((p) => `-${p}`),
          ].sort();
          const reported = world.events
            .flatMap((e) => e.effectiveGroups ?? [])
            .flatMap((change) => [
              ...change.added.map((g) => `+${change.user.id}>${g.id}`),
              ...change.removed.map((g) => `-${change.user.id}>${g.id}`),
            ])
            .sort();
          expect(reported).toEqual(expected);
        }
      }),
      { numRuns: 80 },
    );
  });
});
