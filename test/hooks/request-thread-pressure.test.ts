/**
 * Pacing the delivery worker's sends while the request thread is saturated: slots a gap apart
 * across every subscriber that asks, none while it has slack. The clock and the sleep are the
 * test's, so what is checked is how long each send is told to wait, never how long anything took.
 */
import { describe, expect, it } from 'vitest';
import { paceWhileSaturated } from '../../src/hooks/request-thread-pressure.js';

function paced(saturated: () => boolean) {
  let clock = 1_000;
  const waits: number[] = [];
  const pace = paceWhileSaturated({ saturated }, { gapMs: 20, now: () => clock, sleep: async (ms) => void waits.push(ms) });
  return { pace, waits, advance: (ms: number) => (clock += ms) };
}

describe('paceWhileSaturated', () => {
  it('lets every send go at once while the thread has slack', async () => {
    const { pace, waits } = paced(() => false);
    await Promise.all([pace(), pace(), pace()]);
    expect(waits).toEqual([]);
  });

  it('spaces sends a gap apart across all who ask, however many subscribers there are', async () => {
    const { pace, waits, advance } = paced(() => true);
    // Three subscribers ask at the same moment: one slot each, a gap apart.
    await Promise.all([pace(), pace(), pace()]);
    expect(waits).toEqual([20, 40, 60]);
    // One asks again 5 ms later: after the last slot handed out, not a gap from now.
    advance(5);
    await pace();
    expect(waits.at(-1)).toBe(75);
    // Once the slots are past, the next waits one gap from now.
    advance(500);
    await pace();
    expect(waits.at(-1)).toBe(20);
  });

  it('stops pacing as soon as the thread has slack again', async () => {
    let saturated = true;
    const { pace, waits } = paced(() => saturated);
    await pace();
    saturated = false;
    await pace();
    expect(waits).toEqual([20]);
  });
});
