/**
 * The one kind of cache scimgate has: remembered values by string key, held within a bound on
 * entries and/or estimated bytes, and dropped as a whole the moment their freshness stamp moves.
 * Every in-process cache (SCIM read answers, verified tokens, forward-auth identities, and the
 * request-shape memos of the decision path) is one of these, so the bound, the eviction order and
 * the freshness rule are written — and tested — once.
 *
 * Bound. `maxEntries` counts entries; `maxBytes` counts what `sizeOf` estimates for each entry
 * (its key included). An entry that alone would take more than `maxEntryBytes` (default a quarter
 * of `maxBytes`), or whose key is longer than `maxKeyLength`, is computed and answered but never
 * kept: anyone can send a long URL, and a single huge answer must not flush everything else.
 *
 * Eviction order. Oldest first, with a second chance: an entry read since it was stored (or since
 * it was last passed over) moves to the back once instead of going. A hot entry therefore stays
 * while cold ones go, as with LRU, but a hit costs one flag write instead of reordering the map.
 *
 * Admission. With `admit: 'second-miss'` a key is kept only when it was asked for and missed
 * before, recently: a fixed table of key fingerprints (4 bytes a slot, never growing) remembers
 * the first miss. Reads nobody repeats (random lookups over a large tenant, a crawl) then cost no
 * memory and no eviction churn; a key asked for twice is kept from its second answer on.
 *
 * ## Freshness: what invalidates what
 * A memo with a `stamp` keeps only entries computed at the stamp's current value. Stamps only ever
 * grow, so when the stamp moves every entry is stale and the memo empties at once (freeing the
 * memory, not just hiding it). A caller reads the stamp *before* it reads what it will remember
 * and passes it to `set`; `set` refuses a value whose stamp is no longer current, so a change that
 * lands while a value is computed makes it unremembered, never wrong.
 *
 * | memo | stamp | moves when |
 * |---|---|---|
 * | SCIM read answers (src/scim/http/read-cache.ts) | `directory.version()` (src/directory/sqlite/version.ts) | any directory change in this process (inside its transaction), a rolled-back write group, or a commit by another process that advanced the event log (seen through src/store/commit-watch.ts) |
 * | forward-auth identities (src/access/decision-cache.ts) | decision generation (src/access/decision-generation.ts) = directory version + this process's sign-outs | all of the above, and every sign-out or admin revocation here; another process's sign-out is logged as a directory event so it moves ours too. Entries also expire after `maxAgeMs` and at their session's expiry. |
 * | verified SCIM tokens (src/tokens/token-service.ts) | `commits.epoch()` (src/store/commit-watch.ts) | any commit by any connection to the file (the CLI revoking a token); this process's own token writes clear it too (an in-memory database has no commit watch) |
 * | policies by raw query, auth targets by raw proxy headers, absolute URLs, trusted peers (src/access/) | none | never: they are pure functions of the configuration and the request's bytes, and the configuration does not change while the process runs. A policy reload must give them a stamp (its generation). |
 *
 * What no stamp sees: a hand-written UPDATE on the database writes no directory event, so read
 * answers and identities remembered before it stay until the next directory change (tokens do
 * see it: any commit moves the epoch). Change the directory through scimgate.
 */

export interface BoundedMemoOptions<V> {
  /** Most entries kept. */
  maxEntries?: number;
  /** Most estimated bytes kept (by `sizeOf`); needs `sizeOf`. */
  maxBytes?: number;
  /** Estimated bytes one entry holds, its key included. */
  sizeOf?: (key: string, value: V) => number;
  /** Largest single entry kept, in estimated bytes (default maxBytes / 4). */
  maxEntryBytes?: number;
  /** Longer keys are never kept (default unlimited). */
  maxKeyLength?: number;
  /** `'second-miss'`: keep a key only when it missed before (see the module comment). Default `'always'`. */
  admit?: 'always' | 'second-miss';
  /** Freshness stamp (see the module comment); it must only ever grow. */
  stamp?: () => number;
  /** Told about every entry that leaves (evicted, replaced, deleted, cleared or stale). */
  onDrop?: (key: string, value: V) => void;
}

export interface MemoStats {
  hits: number;
  misses: number;
  /** Values offered to `set` and kept. */
  stored: number;
  /** Values offered to `set` and not kept (too large, key too long, not admitted, stale stamp). */
  declined: number;
  /** Entries pushed out to stay within the bound. */
  evicted: number;
  /** Times the stamp moved and the memo emptied. */
  invalidations: number;
}

export interface BoundedMemo<V> {
  get(key: string): V | undefined;
  /**
   * Remember `value` for `key`. `stampAtRead` is the stamp read before the value was computed
   * (required when the memo has a stamp). Returns whether it was kept.
   */
  set(key: string, value: V, stampAtRead?: number): boolean;
  /** The remembered value, or `compute()` remembered (undefined and thrown results are not). */
  remember(key: string, compute: () => V | undefined): V | undefined;
  /** The current stamp (emptying the memo if it moved); 0 without one. */
  stamp(): number;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
  readonly bytes: number;
  stats(): MemoStats;
}

interface Slot<V> {
  value: V;
  bytes: number;
  /** Read since stored or last passed over: survives one eviction pass. */
  referenced: boolean;
}

/** Slots in the admission table per entry the memo may hold; misses beyond it just admit a little early. */
const ADMISSION_SLOTS_PER_ENTRY = 4;
const MIN_ADMISSION_SLOTS = 1024;
const MAX_ADMISSION_SLOTS = 1 << 18;
const BUCKET_SLOTS = 4;
/** Entries a byte-bounded memo without maxEntries is assumed to hold, for sizing the admission table. */
const ASSUMED_ENTRY_BYTES = 2048;

export function createBoundedMemo<V>(options: BoundedMemoOptions<V>): BoundedMemo<V> {
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxKeyLength = options.maxKeyLength ?? Number.POSITIVE_INFINITY;
  if (options.maxEntries === undefined && options.maxBytes === undefined) throw new Error('bounded memo: give maxEntries, maxBytes or both');
  if (!(maxEntries >= 0) || !(maxBytes >= 0)) throw new Error('bounded memo: bounds must be >= 0');
  if (options.maxBytes !== undefined && !options.sizeOf) throw new Error('bounded memo: maxBytes needs sizeOf');
  const maxEntryBytes = Math.min(options.maxEntryBytes ?? Math.floor(maxBytes / 4), maxBytes);
  const sizeOf = options.sizeOf ?? (() => 0);
  const { onDrop, stamp: currentStamp } = options;

  const slots = new Map<string, Slot<V>>();
  let bytes = 0;
  let at: number | undefined;
  const stats: MemoStats = { hits: 0, misses: 0, stored: 0, declined: 0, evicted: 0, invalidations: 0 };
  const admission = options.admit === 'second-miss' ? createSecondMissFilter(Math.min(maxEntries, Math.ceil(maxBytes / ASSUMED_ENTRY_BYTES))) : undefined;

  const drop = (key: string, slot: Slot<V>) => {
    slots.delete(key);
    bytes -= slot.bytes;
    onDrop?.(key, slot.value);
  };

  const clear = () => {
    if (onDrop) for (const [key, slot] of slots) onDrop(key, slot.value);
    slots.clear();
    bytes = 0;
  };

  /** The current stamp; empties the memo when it moved. */
  const sync = (): number => {
    if (!currentStamp) return 0;
    const now = currentStamp();
    if (now !== at) {
      if (at !== undefined && slots.size > 0) stats.invalidations++;
      clear();
      at = now;
    }
    return now;
  };

  /** Push out entries, oldest first with a second chance, until one of `size` bytes fits. */
  const makeRoom = (size: number) => {
    while (slots.size > 0 && (slots.size + 1 > maxEntries || bytes + size > maxBytes)) {
      const oldest = slots.entries().next();
      if (oldest.done) return;
      const [key, slot] = oldest.value;
      if (slot.referenced) {
        slot.referenced = false;
        slots.delete(key);
        slots.set(key, slot);
        continue;
      }
      drop(key, slot);
      stats.evicted++;
    }
  };

  const set = (key: string, value: V, stampAtRead?: number): boolean => {
    const current = sync();
    const replaced = slots.get(key);
    if (replaced) drop(key, replaced);
    const size = sizeOf(key, value);
    const fits = maxEntries > 0 && key.length <= maxKeyLength && size <= maxEntryBytes;
    const fresh = !currentStamp || stampAtRead === current;
    if (!fits || !fresh || (admission && !replaced && !admission.admit(key))) {
      stats.declined++;
      return false;
    }
    makeRoom(size);
    slots.set(key, { value, bytes: size, referenced: false });
    bytes += size;
    stats.stored++;
    return true;
  };

  const get = (key: string): V | undefined => {
    sync();
    const slot = slots.get(key);
    if (slot === undefined) {
      stats.misses++;
      return undefined;
    }
    stats.hits++;
    slot.referenced = true;
    return slot.value;
  };

  return {
    get,
    set,
    remember(key, compute) {
      const known = get(key);
      if (known !== undefined) return known;
      const stampAtRead = sync();
      const value = compute();
      if (value !== undefined) set(key, value, stampAtRead);
      return value;
    },
    stamp: sync,
    delete(key) {
      const slot = slots.get(key);
      if (slot) drop(key, slot);
    },
    clear,
    get size() {
      return slots.size;
    },
    get bytes() {
      return bytes;
    },
    stats: () => ({ ...stats }),
  };
}

export interface SecondMissFilter {
  /** True when `key` missed before (recently); otherwise notes this miss and answers false. */
  admit(key: string): boolean;
}

/**
 * The admission table behind `admit: 'second-miss'`, for memos that admit some keys and not others
 * (the read cache admits a page by its URL, then keeps its resources unconditionally). 32-bit key
 * fingerprints in buckets of four, sized for `expectedEntries`: a key is admitted when its bucket
 * holds its fingerprint (it missed before, recently); otherwise it takes an empty slot, or the
 * bucket's slots in turn. Buckets rather than single slots, so that two keys asked for in
 * alternation cannot keep erasing each other's first miss and never be admitted.
 */
export function createSecondMissFilter(expectedEntries: number): SecondMissFilter {
  let size = MIN_ADMISSION_SLOTS;
  while (size < expectedEntries * ADMISSION_SLOTS_PER_ENTRY && size < MAX_ADMISSION_SLOTS) size *= 2;
  const table = new Uint32Array(size);
  const buckets = size / BUCKET_SLOTS;
  let turn = 0;
  return {
    admit(key) {
      const hash = fingerprint(key);
      // The low bits pick the bucket; the whole fingerprint is what a slot holds.
      const first = (hash % buckets) * BUCKET_SLOTS;
      let empty = -1;
      for (let slot = first; slot < first + BUCKET_SLOTS; slot++) {
        if (table[slot] === hash) {
          table[slot] = 0;
          return true;
        }
        if (empty === -1 && table[slot] === 0) empty = slot;
      }
      table[empty === -1 ? first + (turn++ % BUCKET_SLOTS) : empty] = hash;
      return false;
    },
  };
}

/** FNV-1a over UTF-16 units, never 0 (0 marks an empty slot). */
function fingerprint(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) || 1;
}
