import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '../../../../src/scim/protocol/errors.js';
import { normalizeGroup, normalizeResource } from '../../../../src/scim/protocol/resource/validate.js';
import type { JsonObject } from '../../../../src/scim/protocol/resource/json.js';
import { groupResourceType, userResourceType } from '../../../../src/scim/protocol/schemas/index.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

/** The POST /Users body Entra sends (conformance check 5). */
function entraUser(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER, ENT],
    externalId: '2b9f6e5c-0d5c-4f55-8f6c-2a2b9c0e3c11',
    userName: 'Alice@Contoso.example',
    active: true,
    displayName: 'Alice Replay',
    emails: [{ primary: true, type: 'work', value: 'alice@contoso.example' }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Alice Replay', familyName: 'Replay', givenName: 'Alice' },
    roles: [],
    [ENT]: { employeeNumber: 'E-1000', department: 'Provisioning' },
    ...extra,
  };
}

function user(input: unknown): JsonObject {
  const result = normalizeResource(input, userResourceType, 'create');
  if (!result.ok) throw new Error(`expected ok, got ${result.error.detail}`);
  return result.value;
}

function userError(input: unknown): ScimError {
  const result = normalizeResource(input, userResourceType, 'create');
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('Entra provisioning', () => {
  it('keeps the create-user body as sent, minus meta and the empty roles list', () => {
    expect(user(entraUser())).toEqual({
      schemas: [USER, ENT],
      externalId: '2b9f6e5c-0d5c-4f55-8f6c-2a2b9c0e3c11',
      userName: 'Alice@Contoso.example',
      active: true,
      displayName: 'Alice Replay',
      emails: [{ primary: true, type: 'work', value: 'alice@contoso.example' }],
      name: { formatted: 'Alice Replay', familyName: 'Replay', givenName: 'Alice' },
      [ENT]: { employeeNumber: 'E-1000', department: 'Provisioning' },
    });
  });

  it('Entra sends "True" / "False" as strings for booleans', () => {
    expect(user(entraUser({ active: 'True' })).active).toBe(true);
    expect(user(entraUser({ active: 'false' })).active).toBe(false);
    expect(user(entraUser({ emails: [{ value: 'a@b.example', primary: 'TRUE' }] })).emails).toEqual([
      { value: 'a@b.example', primary: true },
    ]);
  });

  it('null-valued attributes are dropped (addresses, phoneNumbers, title, preferredLanguage)', () => {
    const doc = user(entraUser({ addresses: null, phoneNumbers: null, title: null, preferredLanguage: null }));
    for (const key of ['addresses', 'phoneNumbers', 'title', 'preferredLanguage']) expect(doc).not.toHaveProperty(key);
  });

  it('a user with no mail arrives without emails', () => {
    const body = entraUser();
    delete body.emails;
    expect(user(body)).not.toHaveProperty('emails');
  });

  it('manager given as a bare id string becomes {value}', () => {
    expect(user(entraUser({ [ENT]: { manager: 'mgr-1' } }))[ENT]).toEqual({ manager: { value: 'mgr-1' } });
  });

  it('manager as a one-element reference list becomes {value} ($ref is derived by the server)', () => {
    const doc = user(entraUser({ [ENT]: { manager: [{ $ref: '../Users/mgr-1', value: 'mgr-1' }] } }));
    expect(doc[ENT]).toEqual({ manager: { value: 'mgr-1' } });
  });

  it.each([[''], [null], [{ value: '' }], [[]]])('manager %j clears the manager (and the empty extension)', (manager) => {
    const doc = user(entraUser({ [ENT]: { manager } }));
    expect(doc).not.toHaveProperty(ENT);
    expect(doc.schemas).toEqual([USER]);
  });

  it('manager.displayName is readOnly and ignored', () => {
    const doc = user(entraUser({ [ENT]: { manager: { value: 'm', displayName: 'Boss' } } }));
    expect(doc[ENT]).toEqual({ manager: { value: 'm' } });
  });

  it('URN-qualified enterprise attributes at the top level land in the extension', () => {
    const doc = user({ schemas: [USER], userName: 'u', [`${ENT}:department`]: 'Sales', [`${ENT}:manager`]: 'm1' });
    expect(doc[ENT]).toEqual({ department: 'Sales', manager: { value: 'm1' } });
    expect(doc.schemas).toEqual([USER, ENT]);
  });

  it('an unqualified manager (Entra PATCH path "manager") lands in the enterprise extension', () => {
    const doc = user({ schemas: [USER], userName: 'u', manager: [{ $ref: null, value: 'm2' }], department: 'Ops' });
    expect(doc).toEqual({ schemas: [USER, ENT], userName: 'u', [ENT]: { manager: { value: 'm2' }, department: 'Ops' } });
  });

  it('accepts a group body with the extra ADSCIM schema and lists only schemas in use', () => {
    const result = normalizeGroup(
      {
        schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: 'g-ext',
        displayName: 'Sales',
        meta: { resourceType: 'Group' },
      },
      'create',
    );
    expect(result).toEqual({ ok: true, value: { doc: { schemas: [GROUP], externalId: 'g-ext', displayName: 'Sales' }, members: undefined } });
  });
});

describe('RFC 7643 attribute names and characteristics', () => {
  it('resolves attribute names case-insensitively to their canonical spelling', () => {
    const doc = user({ SCHEMAS: [USER.toUpperCase()], USERNAME: 'u', Name: { GivenName: 'A' }, 'name.FamilyName': 'B', Emails: [{ VALUE: 'x@y', Type: 'work' }] });
    expect(doc).toEqual({ schemas: [USER], userName: 'u', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'x@y', type: 'work' }] });
  });

  it('ignores readOnly values (id, meta, groups) and discards password (writeOnly)', () => {
    const doc = user({ schemas: [USER], userName: 'u', id: 'client-id', meta: { created: 'x' }, groups: [{ value: 'g' }], password: 'hunter2' });
    expect(doc).toEqual({ schemas: [USER], userName: 'u' });
  });

  it('wraps a single object given for a multi-valued attribute', () => {
    expect(user({ schemas: [USER], userName: 'u', emails: { value: 'a@b' } }).emails).toEqual([{ value: 'a@b' }]);
  });

  it('ignores unknown core attributes and sub-attributes', () => {
    expect(user({ schemas: [USER], userName: 'u', shoeSize: 44, name: { givenName: 'A', nick: 'x' } })).toEqual({
      schemas: [USER],
      userName: 'u',
      name: { givenName: 'A' },
    });
  });

  it('keeps an extension we do not model verbatim, so it round-trips', () => {
    const doc = user({ schemas: [USER, ACME], userName: 'u', [ACME]: { badge: 7, tags: ['a', null, 'b'], nested: { x: null, y: 1 } } });
    expect(doc).toEqual({ schemas: [USER, ACME], userName: 'u', [ACME]: { badge: 7, tags: ['a', 'b'], nested: { y: 1 } } });
  });

  it('a "__proto__" key in an unknown extension is data, not a prototype', () => {
    const doc = user(JSON.parse(`{"schemas":["${USER}"],"userName":"u","${ACME}":{"__proto__":{"polluted":true}}}`));
    const ext = doc[ACME] as JsonObject;
    expect(Object.getPrototypeOf(ext)).toBe(Object.prototype);
    expect(Object.keys(ext)).toEqual(['__proto__']);
  });

  it.each([
    [{ userName: 7 }, 'userName'],
    [{ active: 'yes' }, 'active'],
    [{ name: 'Alice' }, 'name'],
    [{ emails: [{ value: 1 }] }, 'emails[0].value'],
    [{ emails: [{ value: 'a', primary: 'maybe' }] }, 'emails[0].primary'],
    [{ displayName: ['a', 'b'] }, 'displayName'],
    [{ [ENT]: { manager: 42 } }, `${ENT}:manager`],
    [{ [ENT]: 'Sales' }, ENT],
    [{ x509Certificates: [{ value: 'not base64!' }] }, 'x509Certificates[0].value'],
    [{ nickName: 'x'.repeat(70_000) }, 'nickName'],
    [{ emails: Array.from({ length: 1001 }, (_, i) => ({ value: `${i}@x` })) }, 'emails'],
  ])('a wrong type is 400 invalidValue naming the attribute: %#', (extra, path) => {
    const error = userError({ schemas: [USER, ENT], userName: 'u', ...extra });
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain(`"${path}"`);
  });

  it('userName is required (missing, null or blank)', () => {
    for (const userName of [undefined, null, '', '  ']) {
      const error = userError({ schemas: [USER], userName });
      expect(error.scimType).toBe('invalidValue');
      expect(error.detail).toContain('"userName" is required');
    }
  });

  it('displayName is required for groups', () => {
    const result = normalizeGroup({ schemas: [GROUP] }, 'create');
    expect(result.ok ? undefined : result.error.detail).toContain('"displayName" is required');
  });

  it.each([[undefined], ['x'], [[]], [[ENT]], [[USER, 3]]])('schemas %j without the core URN is 400 invalidSyntax', (schemas) => {
    expect(userError({ schemas, userName: 'u' }).scimType).toBe('invalidSyntax');
  });

  it('a body that is not an object is 400 invalidSyntax', () => {
    for (const body of [null, [], 'x', 3]) expect(userError(body).scimType).toBe('invalidSyntax');
  });

  it('replace mode applies the same rules as create (RFC 7644 §3.5.1)', () => {
    expect(normalizeResource(entraUser({ active: 'False' }), userResourceType, 'replace')).toEqual(
      normalizeResource(entraUser({ active: 'False' }), userResourceType, 'create'),
    );
  });

  it('never throws on arbitrary JSON: always ok or a 400 ScimError', () => {
    const check = (input: unknown): void => {
      for (const resourceType of [userResourceType, groupResourceType]) {
        const result = normalizeResource(input, resourceType, 'create');
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(ScimError);
          expect(result.error.status).toBe(400);
        }
      }
    };
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 300 });
    const attribute = fc.constantFrom('userName', 'name', 'emails', 'active', 'members', ENT, `${ENT}:manager`, ACME, 'displayName', 'x509Certificates');
    const body = fc.dictionary(attribute, fc.jsonValue()).map((fields) => ({ schemas: [USER, GROUP, ENT], ...fields }));
    fc.assert(fc.property(body, check), { numRuns: 500 });
  });
});

describe('RFC 7643 §4.2 group members on input', () => {
  it('returns members separately from the stored document', () => {
    const result = normalizeGroup(
      { schemas: [GROUP], displayName: 'G', members: [{ value: 'u1', $ref: 'x', display: 'U' }, { value: 'g2', type: 'group' }, { value: 'u1' }] },
      'replace',
    );
    expect(result).toEqual({
      ok: true,
      value: { doc: { schemas: [GROUP], displayName: 'G' }, members: [{ value: 'u1' }, { value: 'g2', type: 'Group' }] },
    });
  });

  it('null or empty members means no members', () => {
    const result = normalizeGroup({ schemas: [GROUP], displayName: 'G', members: null }, 'replace');
    expect(result.ok && result.value.members).toEqual([]);
  });

  it.each([[[{ display: 'x' }]], [[{ value: '' }]], [[{ value: 'u', type: 'Device' }]], [['u1']]])('rejects member %j', (members) => {
    const result = normalizeGroup({ schemas: [GROUP], displayName: 'G', members }, 'create');
    expect(result.ok ? undefined : result.error.scimType).toBe('invalidValue');
  });

  it('normalizeResource for a Group leaves members out of the document', () => {
    const result = normalizeResource({ schemas: [GROUP], displayName: 'G', members: [{ value: 'u1' }] }, groupResourceType, 'create');
    expect(result).toEqual({ ok: true, value: { schemas: [GROUP], displayName: 'G' } });
  });
});
