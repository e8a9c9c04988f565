import { describe, expect, it } from 'vitest';
import { parseAttributeList, project, wantsAttribute, type ProjectionOptions } from '../../../src/scim/protocol/projection.js';
import type { JsonObject } from '../../../src/scim/protocol/resource/json.js';
import { groupResourceType, userResourceType, type AttrPath } from '../../../src/scim/protocol/schemas/index.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

const alice: JsonObject = {
  schemas: [USER, ENT, ACME],
  id: 'u1',
  externalId: 'ext-1',
  userName: 'alice',
  name: { givenName: 'Alice', familyName: 'Replay' },
  emails: [
    { value: 'a@work', type: 'work', primary: true },
    { value: 'a@home', type: 'home' },
  ],
  password: 'never-stored-but-never-sent',
  groups: [{ value: 'g1', display: 'G' }],
  meta: { resourceType: 'User', location: '/scim/v2/Users/u1' },
  [ENT]: { department: 'Sales', manager: { value: 'm1' } },
  [ACME]: { badge: 7 },
};

function paths(param: string, resourceType = userResourceType): AttrPath[] | undefined {
  const result = parseAttributeList(param, resourceType);
  if (!result.ok) throw new Error(result.error.detail);
  return result.value;
}

function view(options: { attributes?: string; excludedAttributes?: string }, resource = alice, resourceType = userResourceType): JsonObject {
  return project(resource, resourceType, {
    attributes: options.attributes === undefined ? undefined : paths(options.attributes, resourceType),
    excludedAttributes: options.excludedAttributes === undefined ? undefined : paths(options.excludedAttributes, resourceType),
  });
}

describe('RFC 7644 §3.4.2.5 attribute paths', () => {
  it('resolves names case-insensitively to canonical spelling, core URN prefix dropped', () => {
    expect(paths(` USERNAME , Name.GivenName,${USER}:emails.value, ${ENT.toLowerCase()}:department,${ENT}`)).toEqual([
      { schema: undefined, attr: 'userName', sub: undefined },
      { schema: undefined, attr: 'name', sub: 'givenName' },
      { schema: undefined, attr: 'emails', sub: 'value' },
      { schema: ENT, attr: 'department', sub: undefined },
      { schema: ENT, attr: '' },
    ]);
  });

  it('keeps paths under an extension we do not model as written', () => {
    expect(paths(`${ACME}:badge`)).toEqual([{ schema: ACME, attr: 'badge', sub: undefined }]);
  });

  it('blank means no list', () => {
    expect(parseAttributeList(undefined, userResourceType)).toEqual({ ok: true, value: undefined });
    expect(parseAttributeList(' , ', userResourceType)).toEqual({ ok: true, value: undefined });
  });

  it.each(['shoeSize', 'name.nick', 'emails.value.x', 'user name', `${ENT}:nope`, 'userName.sub'])('%s is 400 invalidValue', (param) => {
    const result = parseAttributeList(param, userResourceType);
    expect(result.ok ? undefined : result.error.scimType).toBe('invalidValue');
  });
});

describe('RFC 7644 §3.9 / RFC 7643 §7 projection', () => {
  it('default: every default attribute, never password', () => {
    const { password: _password, ...expected } = alice;
    expect(view({})).toEqual(expected);
  });

  it('attributes: id and schemas always, plus what was asked', () => {
    expect(view({ attributes: 'userName' })).toEqual({ schemas: alice.schemas, id: 'u1', userName: 'alice' });
  });

  it('attributes with sub-attributes keep only those, in every value', () => {
    expect(view({ attributes: 'name.givenName,emails.value' })).toEqual({
      schemas: alice.schemas,
      id: 'u1',
      name: { givenName: 'Alice' },
      emails: [{ value: 'a@work' }, { value: 'a@home' }],
    });
  });

  it('URN-qualified extension attribute and whole extension', () => {
    expect(view({ attributes: `${ENT}:department` })).toEqual({ schemas: alice.schemas, id: 'u1', [ENT]: { department: 'Sales' } });
    expect(view({ attributes: ENT })).toEqual({ schemas: alice.schemas, id: 'u1', [ENT]: alice[ENT] });
    expect(view({ attributes: ACME })).toEqual({ schemas: alice.schemas, id: 'u1', [ACME]: { badge: 7 } });
    expect(view({ attributes: `${ACME}:badge` })).toEqual({ schemas: alice.schemas, id: 'u1', [ACME]: { badge: 7 } });
  });

  it('password is never returned, even when asked for', () => {
    expect(view({ attributes: 'password' })).toEqual({ schemas: alice.schemas, id: 'u1' });
  });

  it('excludedAttributes removes attributes, sub-attributes and extensions, but never id', () => {
    const result = view({ excludedAttributes: `id,emails.type,groups,meta,${ENT},${ACME}:badge,name` });
    expect(result).toEqual({
      schemas: alice.schemas,
      id: 'u1',
      externalId: 'ext-1',
      userName: 'alice',
      emails: [{ value: 'a@work', primary: true }, { value: 'a@home' }],
    });
  });

  it('excludedAttributes=members leaves a group without members', () => {
    const group: JsonObject = { schemas: [GROUP], id: 'g1', displayName: 'G', members: [{ value: 'u1' }] };
    expect(view({ excludedAttributes: 'members' }, group, groupResourceType)).toEqual({ schemas: [GROUP], id: 'g1', displayName: 'G' });
  });

  it('both parameters: select, then remove', () => {
    expect(view({ attributes: 'name,userName', excludedAttributes: 'name.familyName' })).toEqual({
      schemas: alice.schemas,
      id: 'u1',
      userName: 'alice',
      name: { givenName: 'Alice' },
    });
  });

  it('does not modify its input', () => {
    const copy = structuredClone(alice);
    view({ attributes: 'emails.value' });
    expect(alice).toEqual(copy);
  });
});

describe('wantsAttribute: skip loading what the response will not carry', () => {
  const options = (attributes?: string, excludedAttributes?: string): ProjectionOptions => ({
    attributes: attributes === undefined ? undefined : paths(attributes, groupResourceType),
    excludedAttributes: excludedAttributes === undefined ? undefined : paths(excludedAttributes, groupResourceType),
  });

  it.each([
    [undefined, undefined, true],
    [undefined, 'members', false],
    [undefined, 'MEMBERS', false],
    [undefined, 'members.display', true],
    ['displayName', undefined, false],
    ['members.value', undefined, true],
    ['members', 'members', false],
    [GROUP, undefined, true],
  ])('attributes=%s excludedAttributes=%s → %s', (attributes, excluded, expected) => {
    expect(wantsAttribute(options(attributes, excluded), 'members')).toBe(expected);
  });
});
