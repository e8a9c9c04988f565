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
 *
 * List answers are kept as their resources: each rendered resource is one shared entry, and a
 * page remembers only its envelope and which resources it holds. A client paging through a tenant
 * with overlapping windows (startIndex 1, 38, 75 … count 100) then costs each resource once, not
 * once per page that shows it — whole pages of 100 would fill the budget a hundred times over.
 *
 * Bounded by total size, oldest entries out first; answers over a quarter of the budget are never
 * kept (a 100k-member group). A page whose resources were pushed out is computed again.
 */
export interface CachedRead {
  body: string;
  /** The resource's version for ETag / If-None-Match (single-resource reads only). */
  version?: number;
}

/** A list answer as its parts: `head` + the resources' bodies joined by commas + `tail` is the JSON text. */
export interface ListAnswer {
  head: string;
  /** `key` names the resource as rendered (resource type, id, projection, base URL): equal keys, equal bodies. */
  items: readonly { key: string; body: string }[];
  tail: string;
}

export interface ReadCache {
  /**
   * The answer for `key`: remembered, or computed by `compute` (which reads the directory) and
   * remembered. `undefined` from `compute` (not found) and anything it throws are not remembered.
   */
  read<T extends CachedRead | undefined>(key: string, compute: () => T): T;
  /** A list answer's JSON text for `key`: remembered, or computed by `compute` and remembered by its parts. */
  readList(key: string, compute: () => ListAnswer): string;
}

/** The JSON text of a list answer. */
export function listAnswerText(answer: ListAnswer): string {
  return answer.head + answer.items.map((item) => item.body).join(',') + answer.tail;
}

/** Default budget in string units (keys count too): 32 MiB even if every character took two bytes. */
export const DEFAULT_READ_CACHE_CHARS = 16 * 1024 * 1024;

/** What a page's reference to one of its resources is counted as, in string units. */
const REFERENCE_CHARS = 4;
/** Resource entries live beside URLs in one map; a URL never holds a NUL. */
const ITEM_PREFIX = '\u0000';

interface Single {
  kind: 'single';
  answer: CachedRead;
  size: number;
}
interface Item {
  kind: 'item';
  /** Emptied when pushed out, so pages still pointing at it do not keep its text alive. */
  body: string;
  size: number;
  /** False once pushed out: pages still pointing at it must be computed again. */
  live: boolean;
}
interface Page {
  kind: 'page';
  head: string;
  items: Item[];
  tail: string;
  size: number;
}
type Entry = Single | Item | Page;

export function createReadCache(directoryVersion: () => number, maxChars = DEFAULT_READ_CACHE_CHARS): ReadCache {
  const entries = new Map<string, Entry>();
  let chars = 0;
  let at: number | undefined;
  const maxEntryChars = Math.floor(maxChars / 4);

  /** Empties the cache when the directory moved. Read before the directory is: a change landing after makes entries stale, not wrong. */
  const sync = () => {
    const version = directoryVersion();
    if (version !== at) {
      entries.clear();
      chars = 0;
      at = version;
    }
  };

  const retire = (item: Item) => {
    item.live = false;
    item.body = '';
  };

  const makeRoom = (size: number) => {
    // Map iteration is insertion order: the first keys are the oldest.
    for (const [oldKey, old] of entries) {
      if (chars + size <= maxChars) break;
      entries.delete(oldKey);
      chars -= old.size;
      if (old.kind === 'item') retire(old);
    }
  };

  const store = (key: string, entry: Entry) => {
    const replaced = entries.get(key);
    if (replaced) {
      entries.delete(key);
      chars -= replaced.size;
      if (replaced.kind === 'item') retire(replaced);
    }
    makeRoom(entry.size);
    entries.set(key, entry);
    chars += entry.size;
  };

  /** The remembered page's text, or undefined when any of its resources was pushed out. */
  const pageText = (page: Page): string | undefined => {
    const bodies = new Array<string>(page.items.length);
    for (let i = 0; i < page.items.length; i++) {
      const item = page.items[i] as Item;
      if (!item.live) return undefined;
      bodies[i] = item.body;
    }
    return page.head + bodies.join(',') + page.tail;
  };

  const rememberPage = (key: string, answer: ListAnswer) => {
    const itemKeys = answer.items.map((item) => ITEM_PREFIX + item.key);
    const known = itemKeys.map((itemKey) => {
      const entry = entries.get(itemKey);
      return entry?.kind === 'item' ? entry : undefined;
    });
    let size = key.length + answer.head.length + answer.tail.length + answer.items.length * REFERENCE_CHARS;
    for (let i = 0; i < answer.items.length; i++) {
      if (!known[i]) size += (itemKeys[i] as string).length + (answer.items[i] as { body: string }).body.length;
    }
    // A page that cannot fit with its new resources would push out its own first ones.
    if (size > maxEntryChars) return;
    const items = answer.items.map((item, i): Item => {
      const existing = known[i];
      if (existing?.live) return existing;
      const entry: Item = { kind: 'item', body: item.body, size: (itemKeys[i] as string).length + item.body.length, live: true };
      store(itemKeys[i] as string, entry);
      return entry;
    });
    store(key, { kind: 'page', head: answer.head, items, tail: answer.tail, size: key.length + answer.head.length + answer.tail.length + items.length * REFERENCE_CHARS });
  };

  return {
    read<T extends CachedRead | undefined>(key: string, compute: () => T): T {
      sync();
      const known = entries.get(key);
      // Only what `compute` returned for this key is ever stored under it, so it has `compute`'s type.
      if (known?.kind === 'single') return known.answer as T;
      const answer = compute();
      if (answer === undefined || maxChars <= 0) return answer;
      const size = key.length + answer.body.length;
      if (size <= maxEntryChars) store(key, { kind: 'single', answer, size });
      return answer;
    },
    readList(key: string, compute: () => ListAnswer): string {
      sync();
      const known = entries.get(key);
      if (known?.kind === 'page') {
        const text = pageText(known);
        if (text !== undefined) return text;
      }
      const answer = compute();
      if (maxChars > 0) rememberPage(key, answer);
      return listAnswerText(answer);
    },
  };
}
