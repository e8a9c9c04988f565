import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePatchPath, printPatchPath } from '../../../../src/scim/protocol/patch/index.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('RFC 7644 §3.5.2 PATCH path', () => {
  it.each([
    ['title', { attrPath: { attr: 'title' } }],
    ['name.familyName', { attrPath: { attr: 'name', sub: 'familyName' } }],
    ['members.$ref', { attrPath: { attr: 'members', sub: '$ref' } }],
    [`${ENTERPRISE}:manager`, { attrPath: { schema: ENTERPRISE, attr: 'manager' } }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.givenName', { attrPath: { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'name', sub: 'givenName' } }],
    ['  displayName  ', { attrPath: { attr: 'displayName' } }],
  ])('parses %s', (text, expected) => {
    expect(parsePatchPath(text)).toEqual({ ok: true, value: expected });
  });

  it('parses a value filter with a sub-attribute: emails[type eq "work"].value', () => {
    const result = parsePatchPath('emails[type eq "work"].value');
    expect(result).toEqual({
      ok: true,
      value: {
        attrPath: { attr: 'emails' },
        valueFilter: { kind: 'compare', op: 'eq', path: { attr: 'type' }, value: 'work' },
        subAttr: 'value',
      },
    });
  });

  it('parses members[value eq "id"] with brackets and colons inside the string', () => {
    const result = parsePatchPath('members[value eq "a]b:c[d"]');
    expect(result.ok && result.value.valueFilter).toEqual({ kind: 'compare', op: 'eq', path: { attr: 'value' }, value: 'a]b:c[d' });
  });

  it.each([
    '',
    '   ',
    'emails[type eq "work"',
    'emails]',
    'emails[type eq "work"]value',
    'emails[type eq "work"].value.x',
    'emails[]',
    'emails[type eq]',
    'name.givenName[type eq "x"]',
    'a.b.c',
    '1abc',
    'urn:',
    'na me',
    'emails[type eq "work"].',
  ])('rejects %j as invalidPath', (text) => {
    const result = parsePatchPath(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.scimType).toBe('invalidPath');
  });

  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/);
  const urn = fc.constantFrom(ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:User', 'urn:example:ext:1.0:Thing');
  const filterText = fc.constantFrom('type eq "work"', 'value eq "a\\"b]"', 'primary eq true', 'type eq "x" or value co "@"', 'not (type pr)');

  it('round-trips: parsePatchPath(printPatchPath(p)) equals p', () => {
    fc.assert(
      fc.property(fc.option(urn, { nil: undefined }), name, fc.option(name, { nil: undefined }), fc.option(filterText, { nil: undefined }), (schema, attr, sub, filter) => {
        const text = `${schema ? `${schema}:` : ''}${attr}${filter ? `[${filter}]` : ''}${sub ? `.${sub}` : ''}`;
        const first = parsePatchPath(text);
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        expect(parsePatchPath(printPatchPath(first.value))).toEqual(first);
      }),
    );
  });

  it('never throws: any string gives a path or an invalidPath error', () => {
    const pathish = fc.stringMatching(/^[a-zA-Z0-9.:\[\]" $_-]{0,40}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), pathish), (text) => {
        const result = parsePatchPath(text);
        if (!result.ok) expect(result.error.scimType).toBe('invalidPath');
      }),
      { numRuns: 2000 },
    );
  });
});
