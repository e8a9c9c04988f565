import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

describe('SCIMGATE_SCIM_RATE_LIMIT', () => {
  it('sets scim.rateLimit.requestsPerSecond (0 turns the limit off, as the bench runs it)', () => {
    const off = loadConfig({ env: { SCIMGATE_SCIM_RATE_LIMIT: '0', SCIMGATE_DATABASE: ':memory:' } });
    if (!off.ok) throw new Error(off.error.message);
    expect(off.value.scim.rateLimit).toMatchObject({ requestsPerSecond: 0 });
  });

  it('is refused by name when it is not a whole number', () => {
    const bad = loadConfig({ env: { SCIMGATE_SCIM_RATE_LIMIT: 'fast', SCIMGATE_DATABASE: ':memory:' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/SCIMGATE_SCIM_RATE_LIMIT/);
  });
});
