import { describe, expect, it } from 'vitest';
import { booleanFromEntraString, listedValuesFromEntra, managerFromEntra, patchOpFromEntra } from '../../../src/scim/protocol/entra-quirks.js';

describe('Entra provisioning quirks', () => {
  it('Entra capitalises PATCH op names', () => {
    expect(patchOpFromEntra('Replace')).toBe('replace');
    expect(patchOpFromEntra('ADD')).toBe('add');
    expect(patchOpFromEntra(' remove ')).toBe('remove');
    expect(patchOpFromEntra('move')).toBeUndefined();
  });

  it('Entra sends "False" as a string', () => {
    expect(booleanFromEntraString('False')).toBe(false);
    expect(booleanFromEntraString('TRUE')).toBe(true);
    expect(booleanFromEntraString(true)).toBe(true);
    expect(booleanFromEntraString('yes')).toBe('yes');
    expect(booleanFromEntraString(1)).toBe(1);
  });

  it.each([
    ['a bare id', 'boss', { value: 'boss' }],
    ['{value}', { value: 'boss' }, { value: 'boss' }],
    ['[{$ref, value}]', [{ $ref: null, value: 'boss' }], { value: 'boss' }],
    ['{value, displayName}: derived fields dropped', { value: 'boss', displayName: 'B', $ref: '../Users/boss' }, { value: 'boss' }],
    ['"" (clear)', '', null],
    ['{value: ""} (clear)', { value: '' }, null],
    ['null (clear)', null, null],
    ['[] (clear)', [], null],
  ] as const)('Entra sends the manager as %s', (_label, input, expected) => {
    expect(managerFromEntra(structuredClone(input) as never)).toEqual({ ok: true, value: expected });
  });

  it.each([[42], [true], [[{ value: 'a' }, { value: 'b' }]], [{ value: 7 }]])('a manager of %j is invalidValue', (input) => {
    const result = managerFromEntra(input as never);
    expect(!result.ok && result.error.scimType).toBe('invalidValue');
  });

  it('Entra lists the members to remove as [{value}]', () => {
    expect(listedValuesFromEntra([{ value: 'a' }, { value: 'b' }])).toEqual({ ok: true, value: ['a', 'b'] });
    expect(listedValuesFromEntra({ value: 'a' })).toEqual({ ok: true, value: ['a'] });
    expect(listedValuesFromEntra(['a'])).toEqual({ ok: true, value: ['a'] });
    const bad = listedValuesFromEntra([{ display: 'x' }]);
    expect(!bad.ok && bad.error.scimType).toBe('invalidValue');
  });
});
