import { describe, expect, it } from 'vitest';
import { ENTERPRISE, USER, groupResourceType, patchError, patched, user } from './helpers.js';

describe('Entra provisioning PATCH', () => {
  it('Entra sends six capitalised Replace operations at once', () => {
    const doc = patched(user({ emails: [{ value: 'old@work.example', type: 'work', primary: true }] }), [
      { op: 'Replace', path: 'displayName', value: 'Alice Smith' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice@work.example' },
      { op: 'Replace', path: 'name.givenName', value: 'Alice' },
      { op: 'Replace', path: 'name.familyName', value: 'Smith' },
      { op: 'Replace', path: 'externalId', value: 'ext-1' },
      { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'R&D' },
    ]);
    expect(doc).toEqual({
      ...user(),
      schemas: [USER, ENTERPRISE],
      displayName: 'Alice Smith',
      emails: [{ value: 'alice@work.example', type: 'work', primary: true }],
      name: { givenName: 'Alice', familyName: 'Smith' },
      externalId: 'ext-1',
      [ENTERPRISE]: { department: 'R&D' },
    });
  });

  it('Entra sends Add on emails[type eq "work"].value for an address the user does not have yet', () => {
    const doc = patched(user(), [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'alice@work.example' }]);
    expect(doc.emails).toEqual([{ type: 'work', value: 'alice@work.example' }]);
  });

  it('Entra sends Replace on phoneNumbers[type eq "mobile"].value when the user has no mobile number', () => {
    const doc = patched(user({ phoneNumbers: [{ type: 'work', value: '+1 555 0100' }] }), [
      { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' },
    ]);
    expect(doc.phoneNumbers).toEqual([
      { type: 'work', value: '+1 555 0100' },
      { type: 'mobile', value: '+1 555 0199' },
    ]);
  });

  it('Entra sends Add on addresses[type eq "work"].locality, creating the work address', () => {
    const doc = patched(user(), [
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Berlin' },
      { op: 'Add', path: 'addresses[type eq "work"].country', value: 'DE' },
    ]);
    expect(doc.addresses).toEqual([{ type: 'work', locality: 'Berlin', country: 'DE' }]);
  });

  it('Entra sends "False" as a string to deactivate a user', () => {
    expect(patched(user(), [{ op: 'Replace', path: 'active', value: 'False' }]).active).toBe(false);
    expect(patched(user(), [{ op: 'Replace', value: { active: 'false' } }]).active).toBe(false);
    expect(patched(user({ active: false }), [{ op: 'Replace', path: 'active', value: 'TRUE' }]).active).toBe(true);
  });

  it('Entra sends "True" as a string for primary inside an element', () => {
    const doc = patched(user(), [{ op: 'Add', path: 'emails', value: [{ value: 'a@x.example', type: 'work', primary: 'True' }] }]);
    expect(doc.emails).toEqual([{ value: 'a@x.example', type: 'work', primary: true }]);
  });

  it('Entra sends the manager as a bare id string', () => {
    const doc = patched(user(), [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-id' }]);
    expect(doc[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
    expect(doc.schemas).toContain(ENTERPRISE);
  });

  it('Entra sends the manager as {value}', () => {
    const doc = patched(user(), [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: { value: 'boss-id' } }]);
    expect(doc[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
  });

  it('Entra sends the manager as [{"$ref": null, "value": id}]', () => {
    const doc = patched(user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'old', displayName: 'Old Boss' } } }), [
      { op: 'Replace', path: `${ENTERPRISE}:manager`, value: [{ $ref: null, value: 'boss-id' }] },
    ]);
    expect(doc[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
  });

  it('Entra sends the manager in a path-less Replace value', () => {
    const doc = patched(user(), [{ op: 'Replace', value: { [`${ENTERPRISE}:manager`]: 'boss-id' } }]);
    expect(doc[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
  });

  it('Entra clears the manager with an empty string', () => {
    const doc = patched(user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'boss-id' }, department: 'R&D' } }), [
      { op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' },
    ]);
    expect(doc[ENTERPRISE]).toEqual({ department: 'R&D' });
  });

  it('Entra clears the only enterprise attribute, the manager, and the extension goes away', () => {
    const doc = patched(user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'boss-id' } } }), [
      { op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' },
    ]);
    expect(doc).not.toHaveProperty([ENTERPRISE]);
    expect(doc.schemas).toEqual([USER]);
  });

  it('Entra removes manager[value eq "id"]: cleared when it is still that manager', () => {
    const start = user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'boss-id' }, department: 'R&D' } });
    expect(patched(start, [{ op: 'Remove', path: `${ENTERPRISE}:manager[value eq "boss-id"]` }])[ENTERPRISE]).toEqual({ department: 'R&D' });
    expect(patched(start, [{ op: 'Remove', path: `${ENTERPRISE}:manager[value eq "someone-else"]` }])[ENTERPRISE]).toEqual({
      manager: { value: 'boss-id' },
      department: 'R&D',
    });
  });

  it('Entra sends a manager value that is neither an id nor {value}: invalidValue', () => {
    patchError(user(), [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: 42 }], 'invalidValue');
  });

  it('Entra removes listed members with path "members" and a value: only those go', () => {
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Eng', members: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] };
    const doc = patched(group, [{ op: 'Remove', path: 'members', value: [{ value: 'a' }, { value: 'c' }] }], groupResourceType);
    expect(doc.members).toEqual([{ value: 'b' }]);
  });
});
