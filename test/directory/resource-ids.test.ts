// New user and group ids are RFC 9562 version 7 UUIDs: well-formed, unique, and ordered by creation time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newResourceId } from '../../src/directory/resource-ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resource ids (UUID version 7)', () => {
  it('carries the creation time in its first 48 bits, with version and variant set', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const id = newResourceId(ms);
        expect(id).toMatch(UUID_V7);
        expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
      }),
    );
  });

  it('sorts by creation time across milliseconds, and never repeats', () => {
    const ids = Array.from({ length: 5000 }, (_, n) => newResourceId(1_700_000_000_000 + Math.floor(n / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    const firstOfEachMs = ids.filter((_, n) => n % 10 === 0);
    expect([...firstOfEachMs].sort()).toEqual(firstOfEachMs);
  });

  it('keeps 74 random bits: ids made in the same millisecond differ there', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newResourceId(42).slice(15)));
    expect(ids.size).toBe(1000);
  });
});
