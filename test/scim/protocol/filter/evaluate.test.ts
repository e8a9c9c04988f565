import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesFilter, parseFilter } from '../../../../src/scim/protocol/filter/index.js';
import { str, type AttributeDef } from '../../../../src/scim/protocol/schemas/attribute.js';
import { groupAttributes } from '../../../../src/scim/protocol/schemas/group.js';
import { userAttributes } from '../../../../src/scim/protocol/schemas/user.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const bjensen = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Bjensen-EXT',
  userName: 'bjensen@example.com',
  name: { familyName: "O'Malley", givenName: 'Barbara' },
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  nickName: '',
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z' },
  [ENTERPRISE]: { employeeNumber: '701984', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
};

function matches(text: string, value: unknown = bjensen, attributes: readonly AttributeDef[] = userAttributes): boolean {
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.detail}`);
  return matchesFilter(value, parsed.value, attributes);
}

describe('RFC 7644 §3.4.2.2 filtering: evaluation', () => {
  it.each<[string, boolean]>([
    ['userName eq "BJENSEN@example.com"', true],
    ['USERNAME Eq "bjensen@example.com"', true],
    ['name.familyName co "o\'mal"', true],
    ['userName sw "BJ"', true],
    ['userName ew ".COM"', true],
    ['userName ew ".org"', false],
    ['title pr', true],
    ['nickName pr', false],
    ['locale pr', false],
    ['locale ne "en"', true],
    ['userName ne "bjensen@example.com"', false],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified eq "2011-05-13T06:42:34+02:00"', true],
    ['meta.lastModified lt "2011-05-13T04:42:34.001Z"', true],
    ['meta.lastModified le "2010-01-01T00:00:00Z"', false],
    ['meta.lastModified eq "2011-05-13T04:42:34"', true],
    ['meta.created co "2010-01"', true],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType eq "Employee" and (emails co "example.net" or emails.value co "example.org")', false],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['userType eq "Employee" and (emails.type eq "work")', true],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "home" and value co "@example.com"]', false],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', true],
    ['emails[type eq "work"].value eq "bjensen@example.com"', true],
    ['emails[type eq "home"].value eq "bjensen@example.com"', false],
    ['emails[primary eq true]', true],
    ['emails[primary eq false]', false],
    ['active eq true', true],
    ['active eq "true"', false],
    ['active gt false', false],
    ['title eq null', false],
    ['locale eq null', true],
    ['nickName eq null', true],
    ['title ne null', true],
    ['schemas eq "URN:ietf:params:scim:schemas:extension:enterprise:2.0:User"', true],
    ['schemas[value sw "urn:ietf:params:scim:schemas:core"]', true],
    [`${ENTERPRISE}:employeeNumber eq "701984"`, true],
    [`${ENTERPRISE.toUpperCase()}:MANAGER.value pr`, true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjensen"', true],
    ['not (title pr)', false],
    ['unknownThing eq "x"', false],
    ['unknownThing ne "x"', true],
  ])('%s → %s', (text, expected) => {
    expect(matches(text)).toBe(expected);
  });

  it('honours caseExact from the definition', () => {
    expect(matches('externalId eq "bjensen-ext"')).toBe(false);
    expect(matches('externalId eq "Bjensen-EXT"')).toBe(true);
    expect(matches('id eq "2819C223-7F76-453A-919D-413861904646"')).toBe(false);
    expect(matches(`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87E4-49D8CA9F808D"`)).toBe(false);
  });

  it('compares numbers numerically and never across types', () => {
    const doc = { age: 30, code: '30', scores: [1, 5, 9] };
    expect(matches('age gt 4', doc, [])).toBe(true);
    expect(matches('age eq 30.0', doc, [])).toBe(true);
    expect(matches('code eq 30', doc, [])).toBe(false);
    expect(matches('age eq "30"', doc, [])).toBe(false);
    expect(matches('scores ge 9', doc, [])).toBe(true);
    expect(matches('scores lt 1', doc, [])).toBe(false);
  });

  it('orders strings by code unit, case-folded unless caseExact', () => {
    const defs = [str('exact', { caseExact: true })];
    expect(matches('loose gt "B"', { loose: 'a' }, defs)).toBe(false);
    expect(matches('exact gt "B"', { exact: 'a' }, defs)).toBe(true);
  });

  it('does not find inherited properties', () => {
    expect(matches('constructor pr', {}, [])).toBe(false);
    expect(matches('toString eq "x"', {}, [])).toBe(false);
  });

  it('survives the longest and-chain a filter can hold', () => {
    const chain = Array.from({ length: 900 }, () => 'a pr').join(' and ');
    expect(matches(chain, { a: 'x' }, [])).toBe(true);
  });
});

describe('RFC 7644 §3.5.2 PATCH targets', () => {
  const memberDefs = groupAttributes.find((attribute) => attribute.name === 'members')?.subAttributes ?? [];
  const emailDefs = userAttributes.find((attribute) => attribute.name === 'emails')?.subAttributes ?? [];

  it('picks members[value eq "id"] element by element', () => {
    const members = [
      { value: 'a1', type: 'User' },
      { value: 'b2', type: 'Group' },
    ];
    const parsed = parseFilter('value eq "b2"');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(members.filter((member) => matchesFilter(member, parsed.value, memberDefs))).toEqual([{ value: 'b2', type: 'Group' }]);
  });

  it('picks emails[type eq "work"] regardless of case', () => {
    expect(matches('type eq "work"', { value: 'x@y', type: 'WORK' }, emailDefs)).toBe(true);
    expect(matches('type eq "work"', { value: 'x@y', type: 'home' }, emailDefs)).toBe(false);
  });
});

describe('RFC 7644 §3.4.2.2 filtering: case rules against a reference', () => {
  const defs = [str('loose'), str('exact', { caseExact: true })];
  const text = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'é', 'É', '1'), maxLength: 4 });

  it('eq, co and sw agree with a plain reference implementation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('loose', 'exact', 'unknown'),
        fc.constantFrom('eq', 'co', 'sw'),
        fc.oneof(text, fc.array(text, { maxLength: 3 })),
        text,
        (attr, op, stored, wanted) => {
          const fold = (s: string): string => (attr === 'exact' ? s : s.toLowerCase());
          const test = (s: string): boolean =>
            op === 'eq' ? fold(s) === fold(wanted) : op === 'co' ? fold(s).includes(fold(wanted)) : fold(s).startsWith(fold(wanted));
          const expected = (Array.isArray(stored) ? stored : [stored]).some(test);
          const filter = { kind: 'compare', op, path: { attr: attr.toUpperCase() }, value: wanted } as const;
          expect(matchesFilter({ [attr]: stored }, filter, defs)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
