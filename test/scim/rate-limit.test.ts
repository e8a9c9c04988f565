/**
 * Issue 11: one SCIM client flooding requests must not take the request thread from forward auth.
 * Each token gets its share (src/scim/rate-limit.ts); beyond it, 429 with Retry-After in SCIM's
 * error format, before any SCIM work. Time is an injected clock: nothing here waits.
 */
import { describe, expect, it } from 'vitest';
import { createTokenRateLimiter, ScimRateLimited } from '../../src/scim/rate-limit.js';
import { createTokenService } from '../../src/tokens/index.js';
import { createTestScimApp } from '../support/scim-app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function throttledApp(limit: { requestsPerSecond: number; burst: number }) {
  const clock = { now: 0 };
  const t = createTestScimApp({ app: { scimRateLimit: limit, monotonicClock: () => clock.now } });
  const other = createTokenService(t.store).create('other').token;
  const asOther = (path: string) => t.request(`http://scim.test/scim/v2${path}`, { headers: { Authorization: `Bearer ${other}` } });
  return { ...t, clock, asOther };
}

describe('SCIM rate limit per token (429, RFC 6585 §4)', () => {
  it('beyond its burst a token gets 429 with Retry-After in SCIM error format, and nothing is done', async () => {
    const t = throttledApp({ requestsPerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect((await t.scim('GET', '/Users')).status).toBe(200);
    const before = t.snapshot();
    const refused = await t.scim('POST', '/Users', { schemas: [USER], userName: 'flood@example.com' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(await refused.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
      detail: 'too many requests with this token; retry after 1 s',
    });
    expect(t.snapshot()).toEqual(before);
  });

  it('the share refills with time: after Retry-After the token is served again', async () => {
    const t = throttledApp({ requestsPerSecond: 2, burst: 1 });
    expect((await t.scim('GET', '/Users')).status).toBe(200);
    expect((await t.scim('GET', '/Users')).status).toBe(429);
    t.clock.now += 499;
    expect((await t.scim('GET', '/Users')).status).toBe(429);
    t.clock.now += 1;
    expect((await t.scim('GET', '/Users')).status).toBe(200);
  });

  it('one token throttled does not throttle another', async () => {
    const t = throttledApp({ requestsPerSecond: 1, burst: 2 });
    expect((await t.scim('GET', '/Users')).status).toBe(200);
    expect((await t.scim('GET', '/Groups')).status).toBe(200);
    expect((await t.scim('GET', '/Users')).status).toBe(429);
    expect((await t.asOther('/Users')).status).toBe(200);
    expect((await t.asOther('/ServiceProviderConfig')).status).toBe(200);
    expect((await t.asOther('/Users')).status).toBe(429);
    expect((await t.scim('GET', '/Users')).status).toBe(429);
  });

  it('unknown tokens get their 401 and take nothing from a real token\'s share; unknown SCIM paths count too', async () => {
    const t = throttledApp({ requestsPerSecond: 1, burst: 2 });
    for (let i = 0; i < 5; i++) {
      const r = await t.request('http://scim.test/scim/v2/Users', { headers: { Authorization: 'Bearer not-a-token-at-all' } });
      expect(r.status).toBe(401);
    }
    expect((await t.scim('GET', '/NoSuchEndpoint')).status).toBe(404);
    expect((await t.scim('GET', '/Users')).status).toBe(200);
    expect((await t.scim('GET', '/NoSuchEndpoint')).status).toBe(429);
  });

  it('without a configured limit (or with requestsPerSecond 0) nothing is throttled', async () => {
    for (const t of [createTestScimApp(), throttledApp({ requestsPerSecond: 0, burst: 1 })]) {
      for (let i = 0; i < 20; i++) expect((await t.scim('GET', '/Users')).status).toBe(200);
    }
  });
});

describe('token buckets', () => {
  it('Retry-After is the whole seconds until one request is available again', () => {
    const clock = { now: 0 };
    const limiter = createTokenRateLimiter({ requestsPerSecond: 1, burst: 1 }, () => clock.now);
    limiter.admit('a');
    const refusal = (() => {
      try {
        limiter.admit('a');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ScimRateLimited);
    expect((refusal as ScimRateLimited).headers).toEqual({ 'Retry-After': '1' });
    expect((refusal as ScimRateLimited).code).toBe('rate-limited');
    const slow = createTokenRateLimiter({ requestsPerSecond: 1, burst: 1 }, () => clock.now);
    slow.admit('b');
    clock.now += 250;
    // A refused request takes nothing: the bucket keeps filling towards the next whole request.
    expect(() => slow.admit('b')).toThrow(ScimRateLimited);
    clock.now += 750;
    expect(() => slow.admit('b')).not.toThrow();
  });

  it('an idle token fills up to its burst, no further', () => {
    const clock = { now: 0 };
    const limiter = createTokenRateLimiter({ requestsPerSecond: 10, burst: 3 }, () => clock.now);
    for (let i = 0; i < 3; i++) limiter.admit('a');
    clock.now += 60_000;
    for (let i = 0; i < 3; i++) limiter.admit('a');
    expect(() => limiter.admit('a')).toThrow(ScimRateLimited);
  });

  it('refuses a limit that cannot work', () => {
    expect(() => createTokenRateLimiter({ requestsPerSecond: -1, burst: 1 })).toThrow();
    expect(() => createTokenRateLimiter({ requestsPerSecond: 1, burst: 0 })).toThrow();
  });
});
