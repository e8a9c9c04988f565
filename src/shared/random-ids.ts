/**
 * Random ids (base64url) cut from a pool of random bytes refilled now and then, for ids made by
 * the thousand: a request id per request, an event id per outbox event (a 10,000-member group
 * write appends 10,000). One `randomBytes` call per id cost ~6 µs each (bench/README.md).
 *
 * Not for secrets: the pool keeps the next ids' bytes in memory before they are handed out.
 */
import { randomBytes } from 'node:crypto';

/** A function giving a fresh id of `bytes` random bytes each call, from a pool of `perPool` ids. */
export function randomIdPool(bytes: number, perPool = 256): () => string {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset >= pool.length) {
      pool = randomBytes(bytes * perPool);
      offset = 0;
    }
    offset += bytes;
    return pool.toString('base64url', offset - bytes, offset);
  };
}

/**
 * Ids that sort by when they were made: the time in milliseconds (12 hex digits, so that SQLite's
 * byte-wise order is time order), then `randomBytes` random bytes. For primary keys of rows
 * inserted by the thousand: a random key lands on a random page of its index, so inserting many
 * dirties (and commits, and checkpoints) a page each, and evicts the cache pages the requests
 * use; a time-ordered one lands on the index's right edge, a few rows per page.
 */
export function timeOrderedIdPool(randomBytesPerId: number, now: () => number = Date.now): () => string {
  const random = randomIdPool(randomBytesPerId);
  return () => now().toString(16).padStart(12, '0') + random();
}
