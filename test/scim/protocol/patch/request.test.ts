import { describe, expect, it } from 'vitest';
import { MAX_PATCH_OPERATIONS, parsePatchRequest } from '../../../../src/scim/protocol/patch/index.js';
import { PATCH_OP } from './helpers.js';

function errorOf(body: unknown): string | undefined {
  const result = parsePatchRequest(body);
  return result.ok ? undefined : result.error.scimType;
}

describe('RFC 7644 §3.5.2 PATCH request body', () => {
  it('parses operations with their paths', () => {
    const result = parsePatchRequest({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'add', path: 'name.givenName', value: 'A' },
        { op: 'remove', path: 'members[value eq "x"]' },
        { op: 'replace', value: { title: 'T' } },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.map((operation) => operation.op)).toEqual(['add', 'remove', 'replace']);
    expect(result.value[0]?.path?.attrPath).toEqual({ attr: 'name', sub: 'givenName' });
    expect(result.value[2]?.path).toBeUndefined();
  });

  it('Entra capitalises op: "Replace", "Add", "Remove"', () => {
    const result = parsePatchRequest({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'title', value: 'T' },
        { op: 'Add', path: 'title', value: 'T' },
        { op: 'Remove', path: 'title' },
      ],
    });
    expect(result.ok && result.value.map((operation) => operation.op)).toEqual(['replace', 'add', 'remove']);
  });

  it('accepts a body without schemas (it carries no information)', () => {
    expect(parsePatchRequest({ Operations: [{ op: 'remove', path: 'title' }] }).ok).toBe(true);
  });

  it.each([
    ['not an object', [], 'invalidSyntax'],
    ['a null body', null, 'invalidSyntax'],
    ['schemas naming something else', { schemas: ['urn:x'], Operations: [{ op: 'remove', path: 'a' }] }, 'invalidSyntax'],
    ['Operations missing', { schemas: [PATCH_OP] }, 'invalidSyntax'],
    ['Operations not an array', { schemas: [PATCH_OP], Operations: {} }, 'invalidSyntax'],
    ['Operations empty', { schemas: [PATCH_OP], Operations: [] }, 'invalidSyntax'],
    ['an operation that is not an object', { schemas: [PATCH_OP], Operations: ['add'] }, 'invalidSyntax'],
    ['an unknown op', { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'a' }] }, 'invalidSyntax'],
    ['op missing', { schemas: [PATCH_OP], Operations: [{ path: 'a' }] }, 'invalidSyntax'],
    ['add without value', { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'title' }] }, 'invalidSyntax'],
    ['path-less replace with a string', { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: 'x' }] }, 'invalidSyntax'],
    ['remove without path', { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }, 'noTarget'],
    ['a malformed path', { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'emails[type eq' }] }, 'invalidPath'],
    ['a path that is not a string', { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 5 }] }, 'invalidPath'],
  ])('refuses %s', (_label, body, scimType) => {
    expect(errorOf(body)).toBe(scimType);
  });

  it(`refuses more than ${MAX_PATCH_OPERATIONS} operations with invalidValue`, () => {
    const Operations = Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: 'remove', path: 'title' }));
    expect(errorOf({ schemas: [PATCH_OP], Operations })).toBe('invalidValue');
    expect(errorOf({ schemas: [PATCH_OP], Operations: Operations.slice(1) })).toBeUndefined();
  });

  it('names the failing operation in the detail', () => {
    const result = parsePatchRequest({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'a' }, { op: 'jump' }] });
    expect(!result.ok && result.error.detail).toMatch(/Operations\[1\]/);
  });
});
