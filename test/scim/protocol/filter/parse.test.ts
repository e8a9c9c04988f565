import { describe, expect, it } from 'vitest';
import type { Filter } from '../../../../src/scim/protocol/filter/index.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseAttrPath, parseFilter } from '../../../../src/scim/protocol/filter/index.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

function parsed(text: string): Filter {
  const result = parseFilter(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.detail}`);
  return result.value;
}

function parseError(text: string): string {
  const result = parseFilter(text);
  if (result.ok) throw new Error(`expected ${text} to fail`);
  expect(result.error.scimType).toBe('invalidFilter');
  expect(result.error.status).toBe(400);
  return result.error.detail;
}

const eq = (attr: string, value: string | number | boolean | null, sub?: string): Filter => ({
  kind: 'compare',
  op: 'eq',
  path: sub === undefined ? { attr } : { attr, sub },
  value,
});

describe('RFC 7644 §3.4.2.2 filtering: the RFC examples', () => {
  const examples: [string, Filter][] = [
    ['userName eq "bjensen"', eq('userName', 'bjensen')],
    ['name.familyName co "O\'Malley"', { kind: 'compare', op: 'co', path: { attr: 'name', sub: 'familyName' }, value: "O'Malley" }],
    ['userName sw "J"', { kind: 'compare', op: 'sw', path: { attr: 'userName' }, value: 'J' }],
    [`${CORE}:userName sw "J"`, { kind: 'compare', op: 'sw', path: { schema: CORE, attr: 'userName' }, value: 'J' }],
    ['title pr', { kind: 'present', path: { attr: 'title' } }],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', { kind: 'compare', op: 'gt', path: { attr: 'meta', sub: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', { kind: 'compare', op: 'ge', path: { attr: 'meta', sub: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', { kind: 'compare', op: 'lt', path: { attr: 'meta', sub: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', { kind: 'compare', op: 'le', path: { attr: 'meta', sub: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['title pr and userType eq "Employee"', { kind: 'and', left: { kind: 'present', path: { attr: 'title' } }, right: eq('userType', 'Employee') }],
    ['title pr or userType eq "Intern"', { kind: 'or', left: { kind: 'present', path: { attr: 'title' } }, right: eq('userType', 'Intern') }],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', eq('schemas', ENTERPRISE)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      {
        kind: 'and',
        left: eq('userType', 'Employee'),
        right: {
          kind: 'or',
          left: { kind: 'compare', op: 'co', path: { attr: 'emails' }, value: 'example.com' },
          right: { kind: 'compare', op: 'co', path: { attr: 'emails', sub: 'value' }, value: 'example.org' },
        },
      },
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      {
        kind: 'and',
        left: { kind: 'compare', op: 'ne', path: { attr: 'userType' }, value: 'Employee' },
        right: {
          kind: 'not',
          filter: {
            kind: 'or',
            left: { kind: 'compare', op: 'co', path: { attr: 'emails' }, value: 'example.com' },
            right: { kind: 'compare', op: 'co', path: { attr: 'emails', sub: 'value' }, value: 'example.org' },
          },
        },
      },
    ],
    [
      'userType eq "Employee" and (emails.type eq "work")',
      { kind: 'and', left: eq('userType', 'Employee'), right: eq('emails', 'work', 'type') },
    ],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      {
        kind: 'and',
        left: eq('userType', 'Employee'),
        right: {
          kind: 'valuePath',
          path: { attr: 'emails' },
          filter: { kind: 'and', left: eq('type', 'work'), right: { kind: 'compare', op: 'co', path: { attr: 'value' }, value: '@example.com' } },
        },
      },
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      {
        kind: 'or',
        left: {
          kind: 'valuePath',
          path: { attr: 'emails' },
          filter: { kind: 'and', left: eq('type', 'work'), right: { kind: 'compare', op: 'co', path: { attr: 'value' }, value: '@example.com' } },
        },
        right: {
          kind: 'valuePath',
          path: { attr: 'ims' },
          filter: { kind: 'and', left: eq('type', 'xmpp'), right: { kind: 'compare', op: 'co', path: { attr: 'value' }, value: '@foo.com' } },
        },
      },
    ],
  ];
  it.each(examples)('%s', (text, expected) => {
    expect(parsed(text)).toStrictEqual(expected);
  });
});

describe('RFC 7644 §3.4.2.2 filtering: grammar details', () => {
  const a = eq('a', 1);
  const b = eq('b', 2);
  const c = eq('c', 3);
  it('binds and tighter than or, both left-associative', () => {
    expect(parsed('a eq 1 or b eq 2 and c eq 3')).toStrictEqual({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    expect(parsed('a eq 1 and b eq 2 or c eq 3')).toStrictEqual({ kind: 'or', left: { kind: 'and', left: a, right: b }, right: c });
    expect(parsed('a eq 1 and b eq 2 and c eq 3')).toStrictEqual({ kind: 'and', left: { kind: 'and', left: a, right: b }, right: c });
    expect(parsed('a eq 1 or b eq 2 or c eq 3')).toStrictEqual({ kind: 'or', left: { kind: 'or', left: a, right: b }, right: c });
    expect(parsed('(a eq 1 or b eq 2) and c eq 3')).toStrictEqual({ kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
  });
  it('binds not tightest and accepts not( without a space', () => {
    expect(parsed('not(a eq 1) and b eq 2')).toStrictEqual({ kind: 'and', left: { kind: 'not', filter: a }, right: b });
    expect(parsed('NOT (a eq 1)')).toStrictEqual({ kind: 'not', filter: a });
  });
  it('reads operators, keywords and literals in any case', () => {
    expect(parsed('a EQ 1 And b Eq 2')).toStrictEqual({ kind: 'and', left: a, right: b });
    expect(parsed('title PR OR active eq TRUE')).toStrictEqual({ kind: 'or', left: { kind: 'present', path: { attr: 'title' } }, right: eq('active', true) });
    expect(parsed('x eq False')).toStrictEqual(eq('x', false));
    expect(parsed('x eq NULL')).toStrictEqual(eq('x', null));
  });
  it('reads JSON strings with escapes', () => {
    expect(parsed(String.raw`x eq "a\"b\\c\u00e9\n\/"`)).toStrictEqual(eq('x', 'a"b\\cé\n/'));
    expect(parsed('x eq ""')).toStrictEqual(eq('x', ''));
  });
  it.each([
    ['0', 0],
    ['-12', -12],
    ['3.25', 3.25],
    ['1e3', 1000],
    ['-2.5E-2', -0.025],
  ])('reads the number %s', (text, value) => {
    expect(parsed(`n gt ${text}`)).toStrictEqual({ kind: 'compare', op: 'gt', path: { attr: 'n' }, value });
  });
  it('reads $ref, hyphens and underscores in attribute names', () => {
    expect(parsed('members.$ref pr')).toStrictEqual({ kind: 'present', path: { attr: 'members', sub: '$ref' } });
    expect(parsed('x-y_z eq 1')).toStrictEqual(eq('x-y_z', 1));
  });
  it('splits URN-qualified paths at the last colon', () => {
    expect(parsed(`${ENTERPRISE}:manager.value eq "42"`)).toStrictEqual({
      kind: 'compare',
      op: 'eq',
      path: { schema: ENTERPRISE, attr: 'manager', sub: 'value' },
      value: '42',
    });
    expect(parsed(`${ENTERPRISE}:employeeNumber pr`)).toStrictEqual({ kind: 'present', path: { schema: ENTERPRISE, attr: 'employeeNumber' } });
  });
  it('lets attributes be named like keywords', () => {
    expect(parsed('not eq 1 and and pr')).toStrictEqual({ kind: 'and', left: eq('not', 1), right: { kind: 'present', path: { attr: 'and' } } });
  });
  it('tolerates extra whitespace', () => {
    expect(parsed('  ( a  eq 1 )\tand\nb eq 2 ')).toStrictEqual({ kind: 'and', left: a, right: b });
  });
});

describe('Entra provisioning', () => {
  it('reads emails[type eq "work"].value eq "x@y" as one value path', () => {
    expect(parsed('emails[type eq "work"].value eq "x@y"')).toStrictEqual({
      kind: 'valuePath',
      path: { attr: 'emails' },
      filter: { kind: 'and', left: eq('type', 'work'), right: eq('value', 'x@y') },
    });
  });
  it('reads the filters Entra sends to find users and groups', () => {
    expect(parsed('userName eq "test_user_dfeef4c5-5681-4387-b016-bdf221e82081@contoso.com"')).toStrictEqual(
      eq('userName', 'test_user_dfeef4c5-5681-4387-b016-bdf221e82081@contoso.com'),
    );
    expect(parsed('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')).toStrictEqual(eq('externalId', '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef'));
    expect(parsed('displayName eq "Group1DisplayName"')).toStrictEqual(eq('displayName', 'Group1DisplayName'));
    expect(parsed('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toStrictEqual({
      kind: 'valuePath',
      path: { attr: 'members' },
      filter: eq('value', '2819c223-7f76-453a-919d-413861904646'),
    });
  });
  it('reads the trailing form with pr', () => {
    expect(parsed('emails[type eq "work"].value pr')).toStrictEqual({
      kind: 'valuePath',
      path: { attr: 'emails' },
      filter: { kind: 'and', left: eq('type', 'work'), right: { kind: 'present', path: { attr: 'value' } } },
    });
  });
});

describe('RFC 7644 §3.4.2.2 filtering: invalid filters', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['userName eq', 'expected a value'],
    ['userName foo "x"', "unknown operator 'foo' at position 9"],
    ['userName eq "abc', 'unterminated string starting at position 12'],
    ['userName eq "x" junk', "unexpected 'junk' at position 16"],
    ['userName', 'expected an operator'],
    ['(userName eq "x"', "expected ')'"],
    ['userName eq "x")', "unexpected ')'"],
    ['userName eq "x" and', 'end of filter'],
    ['and eq 1 or', 'end of filter'],
    ['not userName eq "x"', 'unknown operator'],
    ['x eq "\\q"', 'invalid escape'],
    ['x eq "\\u12"', 'invalid \\u escape'],
    ['x eq 01', 'invalid number'],
    ['x eq 1abc', 'invalid number'],
    ['x eq 1e999', 'number out of range'],
    ['x eq bjensen', 'expected a value'],
    ['x eq "a" & y pr', "unexpected character '&' at position 9"],
    ['emails[type eq "work" and members[value eq "x"]]', 'nested value path at position 26'],
    ['emails[type eq "work"', "expected ']'"],
    ['emails[type eq "work"].value.x eq 1', 'expected a sub-attribute name'],
    ['emails[type eq "work"]. value eq 1', 'expected a sub-attribute name'],
    ['a.b.c eq 1', 'invalid attribute path'],
    ['urn:x eq 1', 'invalid schema URN'],
    [`${ENTERPRISE}: eq 1`, 'invalid attribute path'],
    ['a eq 1 . b', "unexpected '.'"],
  ])('%j is refused (%s)', (text, message) => {
    expect(parseError(text)).toContain(message);
  });

  it('refuses filters longer than the limit', () => {
    expect(parseError(`x eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`)).toContain('longer than');
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = (n: number, open: string): string => `${open.repeat(n)}a pr${')'.repeat(n)}`;
    expect(parseFilter(deep(MAX_FILTER_DEPTH, '(')).ok).toBe(true);
    expect(parseError(deep(MAX_FILTER_DEPTH + 1, '('))).toContain('nests deeper');
    expect(parseError(deep(1500, 'not('))).toContain('nests deeper');
  });

  it('handles the longest allowed and-chain', () => {
    const chain = Array.from({ length: 900 }, () => 'a pr').join(' and ');
    expect(chain.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    expect(parseFilter(chain).ok).toBe(true);
  });
});

describe('attribute paths', () => {
  it('parses bare paths', () => {
    expect(parseAttrPath('name.givenName')).toStrictEqual({ ok: true, value: { attr: 'name', sub: 'givenName' } });
    expect(parseAttrPath(`${ENTERPRISE}:manager`)).toStrictEqual({ ok: true, value: { schema: ENTERPRISE, attr: 'manager' } });
    expect(parseAttrPath('name givenName').ok).toBe(false);
    expect(parseAttrPath('').ok).toBe(false);
    expect(parseAttrPath('a.b.c').ok).toBe(false);
  });
});
