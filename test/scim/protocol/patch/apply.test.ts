import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../../../src/scim/protocol/patch/index.js';
import { ENTERPRISE, USER, ops, patchError, patched, user, userResourceType } from './helpers.js';

const work = { value: 'alice@work.example', type: 'work', primary: true };
const home = { value: 'alice@home.example', type: 'home' };

describe('RFC 7644 §3.5.2.1 add', () => {
  it('sets a simple attribute', () => {
    expect(patched(user(), [{ op: 'add', path: 'title', value: 'Engineer' }]).title).toBe('Engineer');
  });

  it('sets a sub-attribute of a complex attribute, creating it', () => {
    expect(patched(user(), [{ op: 'add', path: 'name.givenName', value: 'Alice' }]).name).toEqual({ givenName: 'Alice' });
  });

  it('appends to a multi-valued attribute', () => {
    const doc = patched(user({ emails: [work] }), [{ op: 'add', path: 'emails', value: [home] }]);
    expect(doc.emails).toEqual([work, home]);
  });

  it('does not add an identical value twice', () => {
    const doc = patched(user({ emails: [work] }), [{ op: 'add', path: 'emails', value: [{ ...work }] }]);
    expect(doc.emails).toEqual([work]);
  });

  it('updates the element with the same value and type instead of listing it twice', () => {
    const doc = patched(user({ emails: [home] }), [{ op: 'add', path: 'emails', value: [{ ...home, display: 'Home' }] }]);
    expect(doc.emails).toEqual([{ ...home, display: 'Home' }]);
  });

  it('accepts a single object for a multi-valued attribute', () => {
    expect(patched(user(), [{ op: 'add', path: 'emails', value: home }]).emails).toEqual([home]);
  });

  it('merges a path-less object attribute by attribute, keeping the rest', () => {
    const doc = patched(user({ name: { familyName: 'Smith' } }), [
      { op: 'add', value: { nickName: 'Al', name: { givenName: 'Alice' } } },
    ]);
    expect(doc.nickName).toBe('Al');
    expect(doc.name).toEqual({ familyName: 'Smith', givenName: 'Alice' });
  });

  it('applies dotted keys of a path-less value into the nested object, never as a literal key', () => {
    const doc = patched(user(), [{ op: 'add', value: { 'name.givenName': 'Alice' } }]);
    expect(doc.name).toEqual({ givenName: 'Alice' });
    expect(doc).not.toHaveProperty(['name.givenName']);
  });

  it('applies URN-prefixed keys of a path-less value into the extension and lists its schema', () => {
    const doc = patched(user(), [{ op: 'add', value: { [`${ENTERPRISE}:employeeNumber`]: '7' } }]);
    expect(doc[ENTERPRISE]).toEqual({ employeeNumber: '7' });
    expect(doc.schemas).toEqual([USER, ENTERPRISE]);
    expect(Object.keys(doc).filter((key) => key.includes(':employeeNumber'))).toEqual([]);
  });

  it('merges a whole extension object given under its URN', () => {
    const doc = patched(user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { department: 'R&D' } }), [
      { op: 'add', value: { [ENTERPRISE]: { costCenter: '42' } } },
    ]);
    expect(doc[ENTERPRISE]).toEqual({ department: 'R&D', costCenter: '42' });
    expect(doc.schemas).toEqual([USER, ENTERPRISE]);
  });

  it('merges a path-less value keyed by the core schema URN into the top level', () => {
    const doc = patched(user(), [{ op: 'replace', value: { [USER]: { displayName: 'A', 'name.familyName': 'S' } } }]);
    expect(doc.displayName).toBe('A');
    expect(doc.name).toEqual({ familyName: 'S' });
    expect(doc).not.toHaveProperty([USER]);
  });

  it('adding an extension attribute by path adds the URN to schemas', () => {
    const doc = patched(user(), [{ op: 'add', path: `${ENTERPRISE}:department`, value: 'Sales' }]);
    expect(doc[ENTERPRISE]).toEqual({ department: 'Sales' });
    expect(doc.schemas).toContain(ENTERPRISE);
  });

  it('stores attributes of an extension it does not model as given, so they round-trip', () => {
    const ext = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
    const doc = patched(user(), [
      { op: 'add', path: `${ext}:badge`, value: 'B-1' },
      { op: 'add', value: { [ext]: { floor: 3 } } },
    ]);
    expect(doc[ext]).toEqual({ badge: 'B-1', floor: 3 });
    expect(doc.schemas).toEqual([USER, ext]);
  });

  it('matches attribute names case-insensitively and stores the canonical spelling', () => {
    const doc = patched(user(), [{ op: 'add', path: 'NAME.GIVENNAME', value: 'Alice' }]);
    expect(doc.name).toEqual({ givenName: 'Alice' });
  });
});

describe('RFC 7644 §3.5.2.3 replace', () => {
  it('replaces all values of a multi-valued attribute', () => {
    const doc = patched(user({ emails: [work, home] }), [{ op: 'replace', path: 'emails', value: [{ value: 'new@example.com' }] }]);
    expect(doc.emails).toEqual([{ value: 'new@example.com' }]);
  });

  it('replaces the elements a value filter selects', () => {
    const doc = patched(user({ emails: [work, home] }), [
      { op: 'replace', path: 'emails[type eq "home"]', value: { value: 'other@home.example', type: 'home' } },
    ]);
    expect(doc.emails).toEqual([work, { value: 'other@home.example', type: 'home' }]);
  });

  it('replaces a sub-attribute of the elements a value filter selects', () => {
    const doc = patched(user({ emails: [work, home] }), [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'a@new.example' }]);
    expect(doc.emails).toEqual([{ ...work, value: 'a@new.example' }, home]);
  });

  it('fails with noTarget when a non-eq filter matches nothing', () => {
    patchError(user({ emails: [home] }), [{ op: 'replace', path: 'emails[type ne "home"].value', value: 'x' }], 'noTarget');
  });

  it('sets the given sub-attributes of a complex attribute and keeps the others', () => {
    const doc = patched(user({ name: { givenName: 'A', familyName: 'S' } }), [{ op: 'replace', path: 'name', value: { givenName: 'B' } }]);
    expect(doc.name).toEqual({ givenName: 'B', familyName: 'S' });
  });

  it('treats null as unassigning the attribute (RFC 7643 §2.5)', () => {
    const doc = patched(user({ title: 'Boss' }), [{ op: 'replace', path: 'title', value: null }]);
    expect(doc).not.toHaveProperty('title');
  });

  it('replacing a filtered sub-attribute with null removes it rather than storing null', () => {
    const doc = patched(user({ emails: [work] }), [{ op: 'replace', path: 'emails[type eq "work"].primary', value: null }]);
    expect(doc.emails).toEqual([{ value: work.value, type: 'work' }]);
  });

  it('replace with an empty array removes the multi-valued attribute', () => {
    expect(patched(user({ emails: [work] }), [{ op: 'replace', path: 'emails', value: [] }])).not.toHaveProperty('emails');
  });

  it('setting primary on one element clears it on the others (RFC 7643 §2.4)', () => {
    const doc = patched(user({ emails: [work, home] }), [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
    expect(doc.emails).toEqual([{ ...work, primary: false }, { ...home, primary: true }]);
  });

  it('adding a new primary element clears primary on the existing one', () => {
    const doc = patched(user({ emails: [work] }), [{ op: 'add', path: 'emails', value: [{ value: 'n@x.example', primary: true }] }]);
    expect(doc.emails).toEqual([{ ...work, primary: false }, { value: 'n@x.example', primary: true }]);
  });
});

describe('RFC 7644 §3.5.2.2 remove', () => {
  it('removes an attribute', () => {
    expect(patched(user({ title: 'Boss' }), [{ op: 'remove', path: 'title' }])).not.toHaveProperty('title');
  });

  it('removing an absent attribute succeeds', () => {
    expect(patched(user(), [{ op: 'remove', path: 'nickName' }])).toEqual(user());
  });

  it('removes the elements a value filter selects, and the attribute when none remain', () => {
    expect(patched(user({ emails: [work, home] }), [{ op: 'remove', path: 'emails[type eq "work"]' }]).emails).toEqual([home]);
    expect(patched(user({ emails: [work] }), [{ op: 'remove', path: 'emails[type eq "work"]' }])).not.toHaveProperty('emails');
  });

  it('removes a sub-attribute of selected elements', () => {
    expect(patched(user({ emails: [work] }), [{ op: 'remove', path: 'emails[type eq "work"].primary' }]).emails).toEqual([
      { value: work.value, type: 'work' },
    ]);
  });

  it('removes a sub-attribute of a complex attribute, and the attribute when it empties', () => {
    expect(patched(user({ name: { givenName: 'A', familyName: 'S' } }), [{ op: 'remove', path: 'name.givenName' }]).name).toEqual({ familyName: 'S' });
    expect(patched(user({ name: { givenName: 'A' } }), [{ op: 'remove', path: 'name.givenName' }])).not.toHaveProperty('name');
  });

  it('removing the last extension attribute removes the extension and its schemas entry', () => {
    const doc = patched(user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { department: 'R&D' } }), [
      { op: 'remove', path: `${ENTERPRISE}:department` },
    ]);
    expect(doc).not.toHaveProperty([ENTERPRISE]);
    expect(doc.schemas).toEqual([USER]);
  });

  it('removes a whole extension by its URN', () => {
    const doc = patched(user({ schemas: [USER, ENTERPRISE], [ENTERPRISE]: { department: 'R&D' } }), [{ op: 'remove', path: ENTERPRISE }]);
    expect(doc).not.toHaveProperty([ENTERPRISE]);
    expect(doc.schemas).toEqual([USER]);
  });

  it('remove without a path is noTarget', () => {
    const result = applyPatch(user(), [{ op: 'remove' }], userResourceType);
    expect(!result.ok && result.error.scimType).toBe('noTarget');
  });
});

describe('RFC 7644 §3.5.2 PATCH errors', () => {
  it.each(['id', 'meta', 'meta.version', 'groups'])('writing read-only %s is a mutability error', (path) => {
    patchError(user(), [{ op: 'replace', path, value: 'x' }], 'mutability');
  });

  it('removing read-only id is a mutability error', () => {
    patchError(user(), [{ op: 'remove', path: 'id' }], 'mutability');
  });

  it('a path-less value echoing the current id is ignored, a different id is refused', () => {
    expect(patched(user(), [{ op: 'replace', value: { id: 'u1', title: 'X' } }]).title).toBe('X');
    patchError(user(), [{ op: 'replace', value: { id: 'other' } }], 'mutability');
  });

  it.each(['nope', 'name.nope', 'urn:ietf:params:scim:schemas:core:2.0:User:nope', `${ENTERPRISE}:nope`, 'emails[type eq "work"].nope'])(
    'unknown attribute %s is invalidPath',
    (path) => {
      patchError(user(), [{ op: 'add', path, value: 'x' }], 'invalidPath');
    },
  );

  it('a Group schema attribute on a User is invalidPath, not an unknown extension', () => {
    patchError(user(), [{ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName', value: 'x' }], 'invalidPath');
  });

  it('an object for a simple attribute is invalidValue', () => {
    patchError(user(), [{ op: 'replace', path: 'title', value: { a: 1 } }], 'invalidValue');
  });

  it('a string for a complex multi-valued attribute is invalidValue', () => {
    patchError(user(), [{ op: 'add', path: 'emails', value: 'a@b.example' }], 'invalidValue');
  });

  it('a value filter on a simple attribute is invalidPath', () => {
    patchError(user(), [{ op: 'remove', path: 'title[value eq "x"]' }], 'invalidPath');
  });
});

describe('PATCH atomicity and purity', () => {
  it('a failing second operation fails the request and leaves the original untouched', () => {
    const doc = user({ emails: [work] });
    const before = structuredClone(doc);
    const result = applyPatch(doc, ops({ op: 'replace', path: 'title', value: 'T' }, { op: 'replace', path: 'id', value: 'x' }), userResourceType);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.detail).toMatch(/^Operations\[1\] \(replace id\)/);
    expect(doc).toEqual(before);
  });

  it('never mutates the input on success, and returns a new object', () => {
    const doc = user({ emails: [work], name: { givenName: 'A' } });
    const before = structuredClone(doc);
    const result = patched(doc, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'b@x' },
      { op: 'add', path: 'name.familyName', value: 'S' },
      { op: 'remove', path: 'active' },
    ]);
    expect(doc).toEqual(before);
    expect(result).not.toBe(doc);
    expect(result.emails).not.toBe(doc.emails);
  });

  it('a "__proto__" key in an unknown extension stays a plain key', () => {
    const ext = 'urn:example:ext:1.0:User';
    const value = JSON.parse(`{"${ext}": {"__proto__": {"polluted": true}}}`) as Record<string, never>;
    const doc = patched(user(), [{ op: 'add', value }]);
    const object = doc[ext] as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual(['__proto__']);
  });
});
