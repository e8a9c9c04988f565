/**
 * A fair share of the server for each SCIM token: a token bucket per bearer token, checked right
 * after the token is verified, so no client's SCIM traffic can take the one request thread away
 * from forward-auth decisions (issue 11: a client flooding heavy searches — read-cache hits,
 * rendering, parsing — doubled forward auth's p99 on a 2-core machine).
 *
 * Beyond its share a request is refused at once with 429 and `Retry-After` (RFC 6585 §4), in
 * SCIM's error format; Microsoft Entra's provisioning service pauses that job for the time the
 * header says and retries only what failed. The default share is several times the rate Entra
 * provisions at (a few tens of requests a second per app; the numbers are `scim.rateLimit`'s
 * defaults, src/config/schema.ts), so real provisioning never sees a 429.
 * Only verified tokens get a bucket: the map is as large as the set of valid tokens, never as
 * large as what an attacker makes up.
 */
import type { Context } from 'hono';
import type { TokenRecord } from '../tokens/index.js';
import { ScimError } from './protocol/errors.js';

export interface ScimRateLimit {
  /** Requests a token may make per second, sustained; 0 turns the limit off. */
  requestsPerSecond: number;
  /** Requests a token may make at once after being idle (the bucket's size). */
  burst: number;
}

/** 429 Too Many Requests with its Retry-After; the app's SCIM error renderer copies `headers`. */
export class ScimRateLimited extends ScimError {
  readonly headers: Record<string, string>;

  constructor(retryAfterSeconds: number) {
    super({ status: 429, code: 'rate-limited', detail: `too many requests with this token; retry after ${retryAfterSeconds} s` });
    this.name = 'ScimRateLimited';
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

export interface TokenRateLimiter {
  /** Takes one request from the token's bucket, or throws ScimRateLimited when it is empty. */
  admit(tokenId: string): void;
}

interface Bucket {
  level: number;
  at: number;
}

/** Milliseconds on a clock that never goes back (injected in tests). */
export type MonotonicClock = () => number;

export function createTokenRateLimiter(limit: ScimRateLimit, now: MonotonicClock = () => performance.now()): TokenRateLimiter {
  if (!(limit.requestsPerSecond >= 0) || !(limit.burst >= 1)) throw new Error('rate limit: requestsPerSecond must be ≥ 0 and burst ≥ 1');
  if (limit.requestsPerSecond === 0) return { admit: () => {} };
  const perMs = limit.requestsPerSecond / 1000;
  const buckets = new Map<string, Bucket>();
  return {
    admit(tokenId) {
      const t = now();
      let bucket = buckets.get(tokenId);
      if (bucket === undefined) {
        bucket = { level: limit.burst, at: t };
        buckets.set(tokenId, bucket);
      } else {
        bucket.level = Math.min(limit.burst, bucket.level + (t - bucket.at) * perMs);
        bucket.at = t;
      }
      if (bucket.level >= 1) {
        bucket.level -= 1;
        return;
      }
      // Whole seconds (RFC 9110 §10.2.3), rounded up: a client that waits as told finds a request's worth.
      throw new ScimRateLimited(Math.max(1, Math.ceil((1 - bucket.level) / perMs / 1000)));
    },
  };
}

/** Authentication, then the token's share: a request over it is refused before any SCIM work. */
export function rateLimited(authenticate: (c: Context) => void, limiter: TokenRateLimiter | undefined): (c: Context) => void {
  if (limiter === undefined) return authenticate;
  return (c) => {
    authenticate(c);
    limiter.admit((c.get('scimToken') as TokenRecord).id);
  };
}
