/**
 * An in-memory cache of resolved identities for forward auth, keyed by the SHA-256 of the
 * session secret: the secret itself is never kept as a key, so a heap snapshot or core dump holds
 * no usable cookies (expired entries linger until evicted). Keying by the raw secret was measured
 * and saves ~2 µs a decision — not worth that. Revocation correctness first: an
 * entry is only used while the directory generation it was computed at is still current — every
 * directory change (deactivation, deletion, group edit) bumps the generation inside its own
 * transaction, so the very next decision after a SCIM response recomputes from the database.
 * Entries also expire after `maxAgeMs` and at the session's own expiry, so the session's
 * idle clock keeps being touched and anything revoked outside the directory is picked up soon;
 * sign-out deletes its entry at once.
 */
import { sha256 } from '../crypto/sha256.js';

export function secretKey(secret: string): string {
  return sha256(secret, 'base64url');
}

export interface DecisionCacheOptions {
  /** Current directory generation (src/access/decision-generation.ts). */
  generation: () => number;
  now: () => number;
  /** Longest an entry is trusted even when nothing changed (default 5 s). */
  maxAgeMs?: number;
  /** Bound on memory (default 10 000 sessions). */
  maxEntries?: number;
}

interface Entry<T> {
  generation: number;
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
}

export function createDecisionCache<T>(options: DecisionCacheOptions): DecisionCache<T> {
  const maxAgeMs = options.maxAgeMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  if (maxAgeMs < 0 || maxEntries < 1) throw new Error('decision cache: maxAgeMs >= 0 and maxEntries >= 1');
  const entries = new Map<string, Entry<T>>();
  return {
    get(secret) {
      const key = secretKey(secret);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.generation !== options.generation() || options.now() >= entry.validUntil) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(secret, value, generation, notAfterMs) {
      if (maxAgeMs === 0) return;
      const key = secretKey(secret);
      entries.delete(key);
      // Map keeps insertion order: the first key is the oldest entry.
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      const validUntil = Math.min(options.now() + maxAgeMs, notAfterMs ?? Number.POSITIVE_INFINITY);
      entries.set(key, { generation, validUntil, value });
    },
    delete(secret) {
      entries.delete(secretKey(secret));
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
