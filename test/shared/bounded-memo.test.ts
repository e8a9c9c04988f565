/**
 * The bounded memo every cache is built on: its bound (entries and estimated bytes), its eviction
 * order (oldest first, a second chance for what was read), admission on the second miss, and the
 * freshness stamp (src/shared/bounded-memo.ts states the rule).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBoundedMemo, createSecondMissFilter } from '../../src/shared/bounded-memo.js';

const byLength = (key: string, value: string) => key.length + value.length;

describe('bounded memo: the bound', () => {
  it('never holds more than maxEntries', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) memo.set(`k${i}`, i);
    expect(memo.size).toBe(3);
    expect(['k7', 'k8', 'k9'].map((k) => memo.get(k))).toEqual([7, 8, 9]);
    expect(memo.stats().evicted).toBe(7);
  });

  it('never holds more than maxBytes, whatever is offered (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('set', 'get', 'delete'), fc.string({ maxLength: 6 }), fc.nat(40)), { maxLength: 80 }),
        fc.integer({ min: 1, max: 200 }),
        (steps, maxBytes) => {
          const memo = createBoundedMemo<string>({ maxBytes, sizeOf: byLength });
          const kept = new Map<string, string>();
          for (const [op, key, length] of steps) {
            if (op === 'set' && memo.set(key, 'x'.repeat(length))) kept.set(key, 'x'.repeat(length));
            if (op === 'get') {
              const value = memo.get(key);
              // Whatever it answers is what was last stored under that key.
              if (value !== undefined) expect(value).toBe(kept.get(key));
            }
            if (op === 'delete') memo.delete(key);
            expect(memo.bytes).toBeLessThanOrEqual(maxBytes);
            let counted = 0;
            for (const k of kept.keys()) {
              const v = memo.get(k);
              if (v !== undefined) counted += byLength(k, v);
            }
            expect(counted).toBe(memo.bytes);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers but never keeps an entry over maxEntryBytes (default a quarter of maxBytes) or a key over maxKeyLength', () => {
    const memo = createBoundedMemo<string>({ maxBytes: 100, sizeOf: byLength, maxKeyLength: 8 });
    expect(memo.set('a', 'x'.repeat(24))).toBe(true);
    expect(memo.set('b', 'x'.repeat(25))).toBe(false);
    expect(memo.set('long-key-1', 'x')).toBe(false);
    expect(memo.size).toBe(1);
    expect(memo.stats().declined).toBe(2);
  });

  it('refuses to be built without a bound, or with a byte bound it cannot measure', () => {
    expect(() => createBoundedMemo({})).toThrow(/maxEntries, maxBytes/);
    expect(() => createBoundedMemo({ maxBytes: 10 })).toThrow(/sizeOf/);
  });

  it('tells onDrop about every entry that leaves, so shared parts can be released', () => {
    const dropped: string[] = [];
    const memo = createBoundedMemo<number>({ maxEntries: 2, onDrop: (key) => dropped.push(key) });
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3); // evicts a
    memo.set('b', 20); // replaces b
    memo.delete('c');
    memo.clear(); // b
    expect(dropped).toEqual(['a', 'b', 'c', 'b']);
  });
});

describe('bounded memo: eviction order', () => {
  it('pushes out the oldest entry first', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 2 });
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('gives an entry read since it was stored a second chance: a hot key survives a stream of cold ones', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 4 });
    memo.set('hot', 0);
    for (let i = 0; i < 100; i++) {
      expect(memo.get('hot')).toBe(0);
      memo.set(`cold-${i}`, i);
    }
    expect(memo.get('hot')).toBe(0);
    expect(memo.size).toBe(4);
  });

  it('a second chance is one pass, not immunity: an entry not read again goes', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 2 });
    memo.set('a', 1);
    memo.get('a');
    memo.set('b', 2);
    memo.set('c', 3); // a moves to the back (its chance), b goes
    memo.set('d', 4); // a is the oldest again and was not read since: it goes
    expect([memo.get('a'), memo.get('b'), memo.get('c'), memo.get('d')]).toEqual([undefined, undefined, 3, 4]);
  });
});

describe('bounded memo: admission on the second miss', () => {
  it('keeps a key only from its second offer on', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 100, admit: 'second-miss' });
    expect(memo.set('once', 1)).toBe(false);
    expect(memo.get('once')).toBeUndefined();
    expect(memo.set('once', 1)).toBe(true);
    expect(memo.get('once')).toBe(1);
  });

  it('a stream of keys each asked for once leaves the memo empty', () => {
    const memo = createBoundedMemo<string>({ maxEntries: 1000, admit: 'second-miss' });
    for (let i = 0; i < 5000; i++) expect(memo.remember(`random-${i}`, () => `answer ${i}`)).toBe(`answer ${i}`);
    expect(memo.size).toBe(0);
    expect(memo.stats()).toMatchObject({ hits: 0, misses: 5000, stored: 0, declined: 5000 });
  });

  it('keys asked for in turn are all admitted within a few rounds, however the table hashes them', () => {
    // 500 keys read round-robin, each asking until admitted (as a cache's misses do). With one slot
    // a key, keys sharing a slot erased each other's first miss every round and were never admitted.
    const keys = Array.from({ length: 500 }, (_, i) => `/scim/v2/Users/${i}`);
    const filter = createSecondMissFilter(keys.length);
    const admitted = new Set<string>();
    for (let round = 0; round < 6; round++) for (const key of keys) if (!admitted.has(key) && filter.admit(key)) admitted.add(key);
    expect(keys.filter((key) => !admitted.has(key))).toEqual([]);
  });

  it('the filter is fixed in size and forgets a first miss once its slot is taken', () => {
    const filter = createSecondMissFilter(1); // the minimum table
    expect(filter.admit('x')).toBe(false);
    for (let i = 0; i < 100_000; i++) filter.admit(`other-${i}`);
    // Almost surely overwritten by now; either way it never admits without a first miss.
    const again = filter.admit('x');
    expect(typeof again).toBe('boolean');
    expect(createSecondMissFilter(1).admit('fresh')).toBe(false);
  });
});

describe('bounded memo: freshness stamp', () => {
  it('empties as soon as the stamp moves', () => {
    let stamp = 1;
    const memo = createBoundedMemo<string>({ maxEntries: 10, stamp: () => stamp });
    memo.set('a', 'old', memo.stamp());
    expect(memo.get('a')).toBe('old');
    stamp++;
    expect(memo.get('a')).toBeUndefined();
    expect(memo.size).toBe(0);
    expect(memo.stats().invalidations).toBe(1);
  });

  it('refuses a value computed before the stamp moved (stale, not wrong) or without a stamp', () => {
    let stamp = 1;
    const memo = createBoundedMemo<string>({ maxEntries: 10, stamp: () => stamp });
    const before = memo.stamp();
    stamp++; // a change lands while the value is computed
    expect(memo.set('a', 'computed from old rows', before)).toBe(false);
    expect(memo.set('a', 'no stamp given')).toBe(false);
    expect(memo.get('a')).toBeUndefined();
  });

  it('remember() reads the stamp before computing', () => {
    let stamp = 1;
    const memo = createBoundedMemo<string>({ maxEntries: 10, stamp: () => stamp });
    expect(memo.remember('a', () => (stamp++, 'raced'))).toBe('raced');
    expect(memo.get('a')).toBeUndefined();
    expect(memo.remember('a', () => 'calm')).toBe('calm');
    expect(memo.remember('a', () => 'recomputed')).toBe('calm');
  });

  it('remembers neither undefined nor a throw', () => {
    const memo = createBoundedMemo<string>({ maxEntries: 10 });
    expect(memo.remember('a', () => undefined)).toBeUndefined();
    expect(() => memo.remember('a', () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(memo.size).toBe(0);
  });
});
