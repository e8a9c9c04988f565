import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY, MAX_BATCH, stepLimits } from '../../src/hooks/delivery-policy.js';

describe('stepLimits', () => {
  it("takes the subscriber's own settings over the defaults, and only the ones it sets", () => {
    const limits = stepLimits(DEFAULT_DELIVERY, { timeoutMs: 2_000, maxBackoffMs: undefined }, 30_000);
    expect(limits.timeoutMs).toBe(2_000);
    expect(limits.plan).toEqual({ initialBackoffMs: DEFAULT_DELIVERY.initialBackoffMs, maxBackoffMs: DEFAULT_DELIVERY.maxBackoffMs, maxAgeMs: DEFAULT_DELIVERY.maxAgeMs });
  });

  it('keeps the lease past a send by its timeout plus a margin, and never shorter than the idle lease', () => {
    const short = stepLimits(DEFAULT_DELIVERY, { timeoutMs: 2_000 }, 30_000);
    expect(short.sendLeaseMs).toBeGreaterThan(2_000);
    expect(short.leaseMs).toBe(30_000);
    expect(short.maxBatch).toBe(MAX_BATCH);
  });

  it('claims one at a time when the lease has no room for a second send', () => {
    const tight = stepLimits(DEFAULT_DELIVERY, { timeoutMs: 60_000 }, 30_000);
    expect(tight.leaseMs).toBe(tight.sendLeaseMs);
    expect(tight.maxBatch).toBe(1);
  });
});
