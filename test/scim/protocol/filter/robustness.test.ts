import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../../src/scim/protocol/filter/index.js';
import { filterishText } from './arbitraries.js';

/** Parsing is total: ok, or an invalidFilter error that says where — never a throw, never our catch-all. */
function assertTotal(text: string): void {
  const result = parseFilter(text);
  if (result.ok) return;
  expect(result.error.scimType).toBe('invalidFilter');
  expect(result.error.status).toBe(400);
  expect(result.error.detail).toMatch(/ at position \d+$/);
  expect(result.error.detail).not.toContain('could not be parsed');
}

describe('RFC 7644 §3.4.2.2 filtering: hostile input', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), assertTotal), { numRuns: 3000 });
  });

  it('never throws on random sequences of filter-ish tokens', () => {
    fc.assert(fc.property(filterishText, assertTotal), { numRuns: 5000 });
  });

  it('answers deeply nested brackets of every kind with an error', () => {
    for (const open of ['(', 'not(', 'a[', 'a[(']) assertTotal(`${open.repeat(2000)}a pr`);
  });

  it('treats prototype-ish names as plain attribute names', () => {
    for (const name of ['__proto__', 'constructor', 'toString']) expect(parseFilter(`${name} pr`).ok).toBe(name !== '__proto__');
  });
});
