import { describe, expect, it } from 'vitest';
import { randomIdPool, timeOrderedIdPool } from '../../src/shared/random-ids.js';

describe('randomIdPool', () => {
  it('gives base64url ids of the asked size, none repeated across pool refills', () => {
    const next = randomIdPool(12, 4);
    const ids = Array.from({ length: 1000 }, next);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('timeOrderedIdPool', () => {
  it('sorts, byte-wise as SQLite compares text, in the order of the clock', () => {
    let clock = 1_700_000_000_000;
    const next = timeOrderedIdPool(9, () => clock);
    const ids: string[] = [];
    for (const step of [0, 1, 15, 16, 255, 256, 4096, 86_400_000, 1]) {
      clock += step;
      ids.push(next());
    }
    const byteWise = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(byteWise).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}[A-Za-z0-9_-]{12}$/);
  });

  it('tells apart ids made in the same millisecond', () => {
    const next = timeOrderedIdPool(9, () => 42);
    const ids = Array.from({ length: 500 }, next);
    expect(new Set(ids).size).toBe(500);
    for (const id of ids) expect(id.startsWith('00000000002a')).toBe(true);
  });
});
