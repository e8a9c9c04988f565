/**
 * What any implementation of the directory's persistence (src/persistence/directory.ts) must do:
 * uniqueness, ETags, atomic PATCH, the nested-group closure, and change events written in the
 * same transaction as the change. Each check starts from an empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeListener, Directory, DirectoryError, GroupRecord, RecordedEvent, UserRecord } from '../../src/persistence/index.js';
import type { ScimError } from '../../src/scim/protocol/errors.js';
import { fail, ok, type Result } from '../../src/shared/result.js';
import { scimError } from '../../src/scim/protocol/errors.js';
import { group, user, type OpenStores, type Stores } from './stores.js';

/** A refusal is the directory's (a stable code), or a change's own ScimError passed through. */
type Refused<T> = Result<T, DirectoryError | ScimError>;

const value = <T>(result: Refused<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.detail}`);
  return result.value;
};
const refusal = <T>(result: Refused<T>): DirectoryError | ScimError => {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
};

export function directoryContract(implementation: string, open: OpenStores): void {
  describe(`directory contract: ${implementation}`, () => {
    let stores: Stores;
    let directory: Directory;
    let events: RecordedEvent[];
    /** Set by a test to make the next listener call throw. */
    let refuseNext: string | undefined;
    const listener: ChangeListener = (event) => {
      if (refuseNext !== undefined && event.type === refuseNext) throw new Error(`listener refuses ${event.type}`);
      events.push(event);
    };
    beforeEach(() => {
      events = [];
      refuseNext = undefined;
      stores = open({ listeners: [listener] });
      directory = stores.directory;
    });
    afterEach(() => stores.close());

    const newUser = (userName: string, extra: Record<string, unknown> = {}): UserRecord => value(directory.users.create(user(userName, extra)));
    const newGroup = (displayName: string, members: { value: string; type?: 'User' | 'Group' }[] = []): GroupRecord =>
      value(directory.groups.create(group(displayName), members));
    const rename = (id: string, userName: string, ifMatch?: string) =>
      directory.users.modify(id, (doc) => ok({ ...doc, userName }), ifMatch);

    describe('uniqueness', () => {
      it('userName is unique, compared case-insensitively, on create and on rename; nothing is written when refused', () => {
        const alice = newUser('alice@example.com');
        const bob = newUser('bob@example.com');
        const before = events.length;
        expect(refusal(directory.users.create(user('ALICE@example.com'))).code).toBe('uniqueness');
        expect(refusal(rename(bob.id, 'Alice@Example.com')).code).toBe('uniqueness');
        expect(directory.users.get(bob.id)?.userName).toBe('bob@example.com');
        expect(directory.users.get(bob.id)?.version).toBe(1);
        expect(events.length).toBe(before);
        // A user may change the case of its own name.
        expect(value(rename(alice.id, 'ALICE@example.com')).userName).toBe('ALICE@example.com');
      });

      it('a group displayName is unique', () => {
        newGroup('Engineering');
        expect(refusal(directory.groups.create(group('Engineering'))).code).toBe('uniqueness');
      });
    });

    describe('ETags', () => {
      it('a version starts at 1 and moves by one with every stored change', () => {
        const alice = newUser('alice@example.com');
        expect(alice.version).toBe(1);
        expect(value(rename(alice.id, 'alice2@example.com')).version).toBe(2);
        expect(directory.users.get(alice.id)?.version).toBe(2);
        const eng = newGroup('Engineering');
        expect(value(directory.groups.modify(eng.id, undefined, [{ kind: 'add', members: [{ value: alice.id }] }])).version).toBe(2);
      });

      it('If-Match that names another version refuses the write (412) and changes nothing; the current one passes', () => {
        const alice = newUser('alice@example.com');
        expect(refusal(rename(alice.id, 'x@example.com', 'W/"7"')).code).toBe('precondition-failed');
        expect(refusal(directory.users.delete(alice.id, 'W/"7"')).code).toBe('precondition-failed');
        expect(directory.users.get(alice.id)?.userName).toBe('alice@example.com');
        expect(value(rename(alice.id, 'x@example.com', 'W/"1"')).version).toBe(2);
      });
    });

    describe('PATCH atomicity', () => {
      it('a change that fails part-way stores nothing of it, records no event, and keeps the version', () => {
        const alice = newUser('alice@example.com', { displayName: 'Alice' });
        const before = events.length;
        const wrong = scimError('invalidValue', 'the third operation is wrong');
        const failed = directory.users.modify(alice.id, () => fail(wrong));
        // The change's own error comes back as the change gave it.
        expect(refusal(failed)).toBe(wrong);
        const stored = directory.users.get(alice.id);
        expect(stored?.doc.displayName).toBe('Alice');
        expect(stored?.version).toBe(1);
        expect(events.length).toBe(before);
      });

      it('a group change with an unknown member applies none of its member changes nor its document change', () => {
        const alice = newUser('alice@example.com');
        const eng = newGroup('Engineering');
        const result = directory.groups.modify(
          eng.id,
          (doc) => ok({ ...doc, displayName: 'Renamed' }),
          [{ kind: 'add', members: [{ value: alice.id }] }, { kind: 'add', members: [{ value: 'no-such-member' }] }],
        );
        expect(result.ok).toBe(false);
        expect(directory.groups.get(eng.id)?.displayName).toBe('Engineering');
        expect(directory.reads.membersOf([eng.id]).get(eng.id) ?? []).toEqual([]);
        expect(directory.effective.effectiveGroups(alice.id)).toEqual([]);
      });
    });

    describe('nested groups: the closure', () => {
      it('a user is in every group that contains, at any depth, a group it is in; removals and deletions undo it', () => {
        const alice = newUser('alice@example.com');
        const team = newGroup('Team', [{ value: alice.id, type: 'User' }]);
        const dept = newGroup('Department', [{ value: team.id, type: 'Group' }]);
        const org = newGroup('Organisation', [{ value: dept.id, type: 'Group' }]);
        const names = () => directory.effective.effectiveGroups(alice.id).map((g) => g.displayName).sort();
        expect(names()).toEqual(['Department', 'Organisation', 'Team']);
        const kinds = Object.fromEntries((directory.reads.groupsOf([alice.id]).get(alice.id) ?? []).map((g) => [g.display, g.type]));
        expect(kinds).toEqual({ Team: 'direct', Department: 'indirect', Organisation: 'indirect' });
        expect(directory.effective.effectiveMembers(org.id).items.map((m) => m.id)).toEqual([alice.id]);
        value(directory.groups.modify(dept.id, undefined, [{ kind: 'remove', values: [team.id] }]));
        expect(names()).toEqual(['Team']);
        value(directory.groups.modify(dept.id, undefined, [{ kind: 'add', members: [{ value: team.id }] }]));
        expect(names()).toEqual(['Department', 'Organisation', 'Team']);
        value(directory.groups.delete(dept.id));
        expect(names()).toEqual(['Team']);
      });

      it('cycles are legal: every group of a cycle reaches every other, and breaking one edge keeps the rest', () => {
        const alice = newUser('alice@example.com');
        const a = newGroup('A', [{ value: alice.id }]);
        const b = newGroup('B', [{ value: a.id }]);
        const c = newGroup('C', [{ value: b.id }]);
        value(directory.groups.modify(a.id, undefined, [{ kind: 'add', members: [{ value: c.id }] }]));
        const names = () => directory.effective.effectiveGroups(alice.id).map((g) => g.displayName).sort();
        expect(names()).toEqual(['A', 'B', 'C']);
        value(directory.groups.modify(c.id, undefined, [{ kind: 'removeAll' }]));
        expect(names()).toEqual(['A', 'B']);
      });

      it('a deleted user leaves every group', () => {
        const alice = newUser('alice@example.com');
        const team = newGroup('Team', [{ value: alice.id }]);
        value(directory.users.delete(alice.id));
        expect(directory.reads.membersOf([team.id]).get(team.id) ?? []).toEqual([]);
        expect(directory.effective.countEffectiveMembers(team.id)).toBe(0);
      });
    });

    describe('change events in the same transaction', () => {
      it('every change records its event, in order, with the resource it changed', () => {
        const alice = newUser('alice@example.com');
        value(directory.users.modify(alice.id, (doc) => ok({ ...doc, active: false })));
        const eng = newGroup('Engineering', [{ value: alice.id }]);
        value(directory.users.delete(alice.id));
        expect(events.map((e) => [e.type, e.resourceId])).toEqual([
          ['user.created', alice.id],
          ['user.deactivated', alice.id],
          ['group.created', eng.id],
          ['user.deleted', alice.id],
        ]);
        const seqs = events.map((e) => e.seq);
        expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(seqs.length);
      });

      it('a listener that throws undoes the change it was told of: nothing stored, the error passes through', () => {
        const alice = newUser('alice@example.com');
        refuseNext = 'user.deactivated';
        expect(() => directory.users.modify(alice.id, (doc) => ok({ ...doc, active: false }))).toThrow('listener refuses');
        expect(directory.users.get(alice.id)?.active).toBe(true);
        expect(directory.users.get(alice.id)?.version).toBe(1);
        refuseNext = 'user.created';
        expect(() => directory.users.create(user('bob@example.com'))).toThrow('listener refuses');
        expect(value(directory.users.list({ offset: 0, limit: 10 })).items.map((u) => u.userName)).toEqual(['alice@example.com']);
      });

      it('version() moves with every change', () => {
        const before = directory.version();
        newUser('alice@example.com');
        expect(directory.version()).not.toBe(before);
      });
    });
  });
}
