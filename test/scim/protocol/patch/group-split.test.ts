import { describe, expect, it } from 'vitest';
import { applyPatch, splitGroupPatch } from '../../../../src/scim/protocol/patch/index.js';
import { groupResourceType, ops } from './helpers.js';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function split(...operations: unknown[]) {
  const result = splitGroupPatch(ops(...operations));
  if (!result.ok) throw new Error(result.error.detail);
  return result.value;
}

function splitError(...operations: unknown[]): string | undefined {
  const result = splitGroupPatch(ops(...operations));
  return result.ok ? undefined : result.error.scimType;
}

describe('Group PATCH split into membership changes (RFC 7644 §3.5.2, Entra)', () => {
  it('Entra adds members as an array with $ref null', () => {
    expect(split({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { value: 'g2', type: 'group' }] })).toEqual({
      docOps: [],
      memberChanges: [{ kind: 'add', members: [{ value: 'u1' }, { value: 'g2', type: 'Group' }] }],
    });
  });

  it('Entra sends one Add op per member, kept in order', () => {
    expect(split({ op: 'Add', path: 'members', value: [{ value: 'a' }] }, { op: 'Add', path: 'members', value: [{ value: 'b' }] }).memberChanges).toEqual([
      { kind: 'add', members: [{ value: 'a' }] },
      { kind: 'add', members: [{ value: 'b' }] },
    ]);
  });

  it('removes members[value eq "id"]', () => {
    expect(split({ op: 'Remove', path: 'members[value eq "u1"]' }).memberChanges).toEqual([{ kind: 'remove', values: ['u1'] }]);
  });

  it('removes an or-chain of value eq', () => {
    expect(split({ op: 'remove', path: 'members[value eq "a" or value eq "b" or VALUE eq "c"]' }).memberChanges).toEqual([
      { kind: 'remove', values: ['a', 'b', 'c'] },
    ]);
  });

  it('Entra removes with path "members" and a value list: only the listed members', () => {
    expect(split({ op: 'Remove', path: 'members', value: [{ value: 'a' }, { value: 'b' }] }).memberChanges).toEqual([
      { kind: 'remove', values: ['a', 'b'] },
    ]);
  });

  it('remove path "members" without value removes all', () => {
    expect(split({ op: 'remove', path: 'members' }).memberChanges).toEqual([{ kind: 'removeAll' }]);
  });

  it('replace path "members" replaces the membership', () => {
    expect(split({ op: 'replace', path: 'members', value: [{ value: 'a', type: 'User' }] }).memberChanges).toEqual([
      { kind: 'replace', members: [{ value: 'a', type: 'User' }] },
    ]);
    expect(split({ op: 'replace', path: 'members', value: [] }).memberChanges).toEqual([{ kind: 'replace', members: [] }]);
  });

  it('a path-less replace of {displayName, members} splits into a document op and a membership replace', () => {
    const plan = split({ op: 'Replace', value: { displayName: 'Eng', members: [{ value: 'a' }], externalId: 'x' } });
    expect(plan.memberChanges).toEqual([{ kind: 'replace', members: [{ value: 'a' }] }]);
    expect(plan.docOps).toEqual([{ op: 'replace', value: { displayName: 'Eng', externalId: 'x' } }]);
  });

  it('a path-less add with members adds them; one with only members leaves no document op', () => {
    const plan = split({ op: 'add', value: { members: [{ value: 'a' }] } });
    expect(plan).toEqual({ docOps: [], memberChanges: [{ kind: 'add', members: [{ value: 'a' }] }] });
  });

  it('the URN-qualified members path is recognised', () => {
    expect(split({ op: 'add', path: `${GROUP}:members`, value: [{ value: 'a' }] }).memberChanges).toEqual([{ kind: 'add', members: [{ value: 'a' }] }]);
  });

  it('other operations pass through and apply to the member-less group document', () => {
    const plan = split({ op: 'Replace', path: 'displayName', value: 'Eng' }, { op: 'Add', path: 'members', value: [{ value: 'a' }] });
    const doc = applyPatch({ schemas: [GROUP], id: 'g1', displayName: 'Old' }, plan.docOps, groupResourceType);
    expect(doc.ok && doc.value).toEqual({ schemas: [GROUP], id: 'g1', displayName: 'Eng' });
  });

  it.each([
    ['a members filter other than value eq', { op: 'remove', path: 'members[type eq "User"]' }, 'invalidFilter'],
    ['value eq joined by and', { op: 'remove', path: 'members[value eq "a" and value eq "b"]' }, 'invalidFilter'],
    ['replace through a members filter', { op: 'replace', path: 'members[value eq "a"]', value: { value: 'b' } }, 'invalidPath'],
    ['a member sub-attribute', { op: 'replace', path: 'members.value', value: 'b' }, 'invalidPath'],
    ['a member without value', { op: 'add', path: 'members', value: [{ display: 'x' }] }, 'invalidValue'],
    ['a member of unknown type', { op: 'add', path: 'members', value: [{ value: 'a', type: 'Device' }] }, 'invalidValue'],
    ['a bare string member', { op: 'add', path: 'members', value: ['a'] }, 'invalidValue'],
    ['a bad member in a path-less value', { op: 'replace', value: { members: [{ value: '' }] } }, 'invalidValue'],
  ])('refuses %s', (_label, operation, scimType) => {
    expect(splitError(operation)).toBe(scimType);
  });
});
