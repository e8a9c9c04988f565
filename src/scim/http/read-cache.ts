/**
 * Remembered SCIM read answers (GET /Users/{id}, GET /Users?filter=…, a page of /Groups …), keyed
 * by the request URL and kept only while the directory's version (src/directory/sqlite/version.ts) has
 * not moved: any change, by this process or another, empties it before the next read is answered.
 * A read answer is a function of the URL and the directory's state alone — the token only decides
 * *whether* to answer, and is checked before this cache is asked — so the same URL against an
 * unchanged directory must give the same bytes.
 *
 * Why it exists: on the machines we run on, even the cheapest SQLite statement costs more CPU
 * under load than answering from memory, so a read answered from the database is bounded far
 * below one answered from memory (bench/README.md). Entra's own traffic is mostly writes, which
 * this does not help; clients that poll (access reviews, reconciliation jobs, the conformance
 * replay) read the same URLs again.
 *
 * List answers are kept as their resources: each rendered resource is one shared entry, and a
 * page remembers only its envelope and which resources it holds. A client paging through a tenant
 * with overlapping windows (startIndex 1, 38, 75 … count 100) then costs each resource once, not
 * once per page that shows it — whole pages of 100 would fill the budget a hundred times over.
 *
 * Only what is asked for again is kept: a URL's first answer is computed and sent, and remembered
 * from its second request on (admission, src/shared/bounded-memo.ts) — except an answer the search
 * thread computed, which is costly enough to keep at once. Random lookups over a large
 * tenant — almost every one a first read — then cost no memory and no eviction churn: kept, they
 * made those lookups slower and the process ~60 MB larger while hardly ever being read again.
 *
 * Bounded by estimated bytes (src/shared/bounded-memo.ts: oldest out first, recently read ones get a
 * second chance); answers over a quarter of the budget are never kept (a 100k-member group). A
 * page whose resources were pushed out is computed again. Freshness: the directory version is the
 * memo's stamp (the rule for every cache is written in src/shared/bounded-memo.ts).
 */
import { createBoundedMemo, createSecondMissFilter } from '../../shared/bounded-memo.js';

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
  /**
   * A list answer's JSON text for `key`: remembered, or computed by `compute` and remembered by its
   * parts. An answer computed elsewhere (a promise: the search thread) is remembered only if the
   * directory did not move while it was computed.
   */
  readList(key: string, compute: () => ListAnswer): string;
  readList(key: string, compute: () => ListAnswer | Promise<ListAnswer>): string | Promise<string>;
}

/** The JSON text of a list answer. */
export function listAnswerText(answer: ListAnswer): string {
  return answer.head + answer.items.map((item) => item.body).join(',') + answer.tail;
}

/** Default budget in estimated bytes (every character counted as two, plus each entry's overhead). */
export const DEFAULT_READ_CACHE_BYTES = 16 * 1024 * 1024;

/** What one entry costs besides its text: the map's slot, the entry object, the key's header. */
const ENTRY_OVERHEAD_BYTES = 96;
/** What a page's reference to one of its resources costs. */
const REFERENCE_BYTES = 8;
/** Resource entries live beside URLs in one memo; a URL never holds a NUL. */
const ITEM_PREFIX = '\u0000';
/** A typical remembered answer, for sizing the admission table. */
const TYPICAL_ANSWER_BYTES = 2048;

/** V8 keeps text outside Latin-1 at two bytes a character: count every one as two. */
const textBytes = (...texts: string[]): number => texts.reduce((sum, text) => sum + 2 * text.length, ENTRY_OVERHEAD_BYTES);

interface Single {
  kind: 'single';
  answer: CachedRead;
  bytes: number;
}
interface Item {
  kind: 'item';
  /** Emptied when pushed out, so pages still pointing at it do not keep its text alive. */
  body: string;
  bytes: number;
  /** False once pushed out: pages still pointing at it must be computed again. */
  live: boolean;
}
interface Page {
  kind: 'page';
  head: string;
  items: Item[];
  tail: string;
  bytes: number;
}
type Entry = Single | Item | Page;

export interface ReadCacheOptions {
  /** Budget in estimated bytes (default DEFAULT_READ_CACHE_BYTES); 0 keeps nothing. */
  maxBytes?: number;
  /** `'second-request'` (default): a URL's answer is kept from its second request on. `'first-request'`: at once. */
  admit?: 'first-request' | 'second-request';
}

export function createReadCache(directoryVersion: () => number, options: ReadCacheOptions = {}): ReadCache {
  const maxBytes = options.maxBytes ?? DEFAULT_READ_CACHE_BYTES;
  const memo = createBoundedMemo<Entry>({
    maxBytes,
    sizeOf: (_key, entry) => entry.bytes,
    stamp: directoryVersion,
    onDrop: (_key, entry) => {
      if (entry.kind === 'item') {
        entry.live = false;
        entry.body = '';
      }
    },
  });
  const maxEntryBytes = Math.floor(maxBytes / 4);
  const secondMiss = createSecondMissFilter(Math.ceil(maxBytes / TYPICAL_ANSWER_BYTES));
  const admitted = (key: string) => maxBytes > 0 && (options.admit === 'first-request' || secondMiss.admit(key));

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

  const rememberPage = (key: string, answer: ListAnswer, stamp: number) => {
    const itemKeys = answer.items.map((item) => ITEM_PREFIX + item.key);
    const known = itemKeys.map((itemKey) => {
      const entry = memo.get(itemKey);
      return entry?.kind === 'item' && entry.live ? entry : undefined;
    });
    const pageBytes = textBytes(key, answer.head, answer.tail) + answer.items.length * REFERENCE_BYTES;
    let bytes = pageBytes;
    for (let i = 0; i < answer.items.length; i++) {
      if (!known[i]) bytes += textBytes(itemKeys[i] as string, (answer.items[i] as { body: string }).body);
    }
    // A page that cannot fit with its new resources would push out its own first ones.
    if (bytes > maxEntryBytes) return;
    const items = answer.items.map((item, i): Item => {
      const existing = known[i];
      if (existing) return existing;
      const itemKey = itemKeys[i] as string;
      const entry: Item = { kind: 'item', body: item.body, bytes: textBytes(itemKey, item.body), live: true };
      memo.set(itemKey, entry, stamp);
      return entry;
    });
    memo.set(key, { kind: 'page', head: answer.head, items, tail: answer.tail, bytes: pageBytes }, stamp);
  };

  function readList(key: string, compute: () => ListAnswer): string;
  function readList(key: string, compute: () => ListAnswer | Promise<ListAnswer>): string | Promise<string>;
  function readList(key: string, compute: () => ListAnswer | Promise<ListAnswer>): string | Promise<string> {
    const stamp = memo.stamp();
    const known = memo.get(key);
    if (known?.kind === 'page') {
      const text = pageText(known);
      if (text !== undefined) return text;
    }
    const answer = compute();
    // Computed on the search thread: remembered under the stamp read before it was asked for, so
    // an answer the directory moved under is refused by the memo, never kept. Kept from its first
    // request: only searches that may test every resource go there (seconds of a thread on a large
    // tenant), and computing one twice before keeping it cost more than its bytes ever could.
    if (answer instanceof Promise) {
      return answer.then((computed) => {
        if (maxBytes > 0) rememberPage(key, computed, stamp);
        return listAnswerText(computed);
      });
    }
    if (admitted(key)) rememberPage(key, answer, stamp);
    return listAnswerText(answer);
  }

  return {
    read<T extends CachedRead | undefined>(key: string, compute: () => T): T {
      // Read before the directory is: a change landing after makes what is computed stale, not wrong.
      const stamp = memo.stamp();
      const known = memo.get(key);
      // Only what `compute` returned for this key is ever stored under it, so it has `compute`'s type.
      if (known?.kind === 'single') return known.answer as T;
      const answer = compute();
      if (answer === undefined || !admitted(key)) return answer;
      memo.set(key, { kind: 'single', answer, bytes: textBytes(key, answer.body) }, stamp);
      return answer;
    },
    readList,
  };
}
