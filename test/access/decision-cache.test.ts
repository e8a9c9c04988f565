// The identity cache behind forward auth: only trusted while the directory generation is unchanged.
import { describe, expect, it } from 'vitest';
import { createDecisionCache } from '../../src/access/decision-cache.js';

/** The documented default (DEFAULT_DECISION_CACHE_BYTES), written out so the test pins it. */
const SIXTEEN_MIB = 16 * 1024 * 1024;

function setup(maxAgeMs = 5_000, maxEntries = 10) {
  let generation = 1;
  let now = 0;
  const cache = createDecisionCache<string>({ generation: () => generation, now: () => now, maxAgeMs, maxEntries });
  return { cache, bump: () => void generation++, advance: (ms: number) => void (now += ms) };
}

describe('decision cache', () => {
  it('a directory change (generation bump) invalidates every entry', () => {
    const { cache, bump } = setup();
    cache.set('secret', 'alice', 1);
    expect(cache.get('secret')).toBe('alice');
    bump();
    expect(cache.get('secret')).toBeUndefined();
  });

  it('an entry computed at an older generation is never served', () => {
    const { cache, bump } = setup();
    bump();
    cache.set('secret', 'alice', 1);
    expect(cache.get('secret')).toBeUndefined();
  });

  it('entries expire after maxAge and at the session expiry, whichever is first', () => {
    const { cache, advance } = setup(5_000);
    cache.set('a', 'alice', 1);
    cache.set('b', 'bob', 1, 1_000);
    advance(1_000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('alice');
    advance(4_000);
    expect(cache.get('a')).toBeUndefined();
  });

  it('delete (sign-out) drops the entry; size is bounded', () => {
    const { cache } = setup(5_000, 2);
    cache.set('a', 'alice', 1);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    for (const s of ['x', 'y', 'z']) cache.set(s, s, 1);
    expect(cache.size).toBe(2);
    expect(cache.get('x')).toBeUndefined();
  });

  it('is bounded in bytes by default, not only by sessions: users in a thousand groups cannot take hundreds of MB', () => {
    // ~100 KB an identity (a user in ~1,000 groups); 2,000 signed-in sessions of them.
    const identity = 'g'.repeat(50_000);
    const cache = createDecisionCache<string>({ generation: () => 1, now: () => 0, sizeOf: (value) => 2 * value.length });
    for (let i = 0; i < 2000; i++) cache.set(`session-${i}`, identity, 1);
    expect(cache.size * 100_000).toBeLessThanOrEqual(SIXTEEN_MIB);
    expect(cache.bytes).toBeLessThanOrEqual(SIXTEEN_MIB);
    // The most recent sessions are the ones kept.
    expect(cache.get('session-1999')).toBe(identity);
  });

  it('maxAge 0 disables caching', () => {
    const { cache } = setup(0);
    cache.set('a', 'alice', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
