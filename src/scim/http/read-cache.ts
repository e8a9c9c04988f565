/**
 * Remembered SCIM read answers (GET /Users/{id}, GET /Users?filter=…, a page of /Groups …), keyed
 * by the request URL and kept only while the directory's version (src/directory/version.ts) has
 * not moved: any change, by this process or another, empties it before the next read is answered.
 * A read answer is a function of the URL and the directory's state alone — the token only decides
 * *whether* to answer, and is checked before this cache is asked — so the same URL against an
 * unchanged directory must give the same bytes.
 *
 * Why it exists: on the machines we run on, the cheapest SQLite statement costs ~25–30 µs of CPU
 * under load, so a read answered from the database is bounded far below one answered from memory
 * (bench/README.md). Entra's own traffic is mostly writes, which this does not help; clients that
 * poll (access reviews, reconciliation jobs, the conformance replay) read the same URLs again.
 * Bounded by total size, oldest entries out first; answers over a quarter of the budget are never
 * kept (a 100k-member group).
 */
export interface CachedRead {
  body: string;
  /** The resource's version for ETag / If-None-Match (single-resource reads only). */
  version?: number;
}

export interface ReadCache {
  /**
   * The answer for `key`: remembered, or computed by `compute` (which reads the directory) and
   * remembered. `undefined` from `compute` (not found) and anything it throws are not remembered.
   */
  read<T extends CachedRead | undefined>(key: string, compute: () => T): T;
}

/** Default budget in string units (keys count too): 32 MiB even if every character took two bytes. */
export const DEFAULT_READ_CACHE_CHARS = 16 * 1024 * 1024;

export function createReadCache(directoryVersion: () => number, maxChars = DEFAULT_READ_CACHE_CHARS): ReadCache {
  const entries = new Map<string, CachedRead>();
  let chars = 0;
  let at: number | undefined;
  const maxEntryChars = Math.floor(maxChars / 4);

  const sizeOf = (key: string, entry: CachedRead) => key.length + entry.body.length;

  return {
    read<T extends CachedRead | undefined>(key: string, compute: () => T): T {
      // Read before the directory is: a change landing after this makes the entry stale, not wrong.
      const version = directoryVersion();
      if (version !== at) {
        entries.clear();
        chars = 0;
        at = version;
      }
      const known = entries.get(key);
      // Only what `compute` returned for this key is ever stored under it, so it has `compute`'s type.
      if (known) return known as T;
      const entry = compute();
      if (entry === undefined) return entry;
      const size = sizeOf(key, entry);
      if (size > maxEntryChars || maxChars <= 0) return entry;
      // Map iteration is insertion order: the first keys are the oldest.
      for (const [oldKey, old] of entries) {
        if (chars + size <= maxChars) break;
        entries.delete(oldKey);
        chars -= sizeOf(oldKey, old);
      }
      entries.set(key, entry);
      chars += size;
      return entry;
    },
  };
}
