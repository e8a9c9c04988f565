/**
 * An in-memory cache of resolved identities for forward auth, keyed by the SHA-256 of the
 * session secret: the secret itself is never kept as a key, so a heap snapshot or core dump holds
 * no usable cookies (expired entries linger until evicted). Keying by the raw secret was measured
 * and saves little (bench/README.md) — not worth that.
 *
 * Revocation correctness first: it is a bounded memo (src/shared/bounded-memo.ts, which states the
 * freshness rule for every cache) stamped with the directory generation — every directory change
 * (deactivation, deletion, group edit) and every sign-out moves it, inside its own transaction, so
 * the very next decision after a SCIM response recomputes from the database. Entries also expire
 * after `maxAgeMs` and at the session's own expiry, so the session's idle clock keeps being touched
 * and anything revoked outside the directory is picked up soon; sign-out deletes its entry at once.
 *
 * Bounded by sessions and by estimated bytes: an identity carries every effective group, and a user
 * in a thousand groups makes one identity tens of kilobytes.
 */
import { sha256 } from '../crypto/sha256.js';
import { createBoundedMemo } from '../shared/bounded-memo.js';

export function secretKey(secret: string): string {
  return sha256(secret, 'base64url');
}

/** Default bound on the bytes cached identities may take (estimated by `sizeOf`). */
export const DEFAULT_DECISION_CACHE_BYTES = 16 * 1024 * 1024;

export interface DecisionCacheOptions<T> {
  /** Current directory generation (src/access/decision-generation.ts). */
  generation: () => number;
  now: () => number;
  /** Longest an entry is trusted even when nothing changed (default 5 s). */
  maxAgeMs?: number;
  /** Bound on sessions remembered (default 10 000). */
  maxEntries?: number;
  /** Bound on their estimated bytes (default DEFAULT_DECISION_CACHE_BYTES). */
  maxBytes?: number;
  /** Estimated bytes one value holds (default: a flat 1 KiB). */
  sizeOf?: (value: T) => number;
}

interface Entry<T> {
  validUntil: number;
  value: T;
}

export interface DecisionCache<T> {
  /** The cached value for `secret`, or undefined when absent, stale or expired. */
  get(secret: string): T | undefined;
  /** Cache `value`, computed at `generation` (read it *before* reading the database). */
  set(secret: string, value: T, generation: number, notAfterMs?: number): void;
  delete(secret: string): void;
  clear(): void;
  readonly size: number;
  /** Estimated bytes held. */
  readonly bytes: number;
}

/** A hash key, the entry and the memo's slot. */
const ENTRY_OVERHEAD_BYTES = 200;

export function createDecisionCache<T>(options: DecisionCacheOptions<T>): DecisionCache<T> {
  const maxAgeMs = options.maxAgeMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? DEFAULT_DECISION_CACHE_BYTES;
  if (maxAgeMs < 0 || maxEntries < 1 || maxBytes < 1) throw new Error('decision cache: maxAgeMs >= 0, maxEntries >= 1 and maxBytes >= 1');
  const sizeOf = options.sizeOf ?? (() => 1024);
  const memo = createBoundedMemo<Entry<T>>({
    maxEntries,
    maxBytes,
    sizeOf: (key, entry) => ENTRY_OVERHEAD_BYTES + 2 * key.length + sizeOf(entry.value),
    stamp: options.generation,
  });
  return {
    get(secret) {
      const key = secretKey(secret);
      const entry = memo.get(key);
      if (!entry) return undefined;
      if (options.now() >= entry.validUntil) {
        memo.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(secret, value, generation, notAfterMs) {
      if (maxAgeMs === 0) return;
      const validUntil = Math.min(options.now() + maxAgeMs, notAfterMs ?? Number.POSITIVE_INFINITY);
      memo.set(secretKey(secret), { validUntil, value }, generation);
    },
    delete(secret) {
      memo.delete(secretKey(secret));
    },
    clear: () => memo.clear(),
    get size() {
      return memo.size;
    },
    get bytes() {
      return memo.bytes;
    },
  };
}
