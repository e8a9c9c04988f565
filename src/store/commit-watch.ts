/**
 * Notices commits made by any connection to the database file — this process's, or another's
 * (`scimgate token revoke`, a second server on the same file) — without running a statement.
 *
 * In WAL mode SQLite keeps the WAL-index header in the first 96 bytes of the `-shm` file: two
 * copies of a 48-byte header whose change counter, frame count, salts and checksums move with
 * every commit (https://sqlite.org/walformat.html, "The WAL-Index Header"). A commit becomes
 * visible to readers exactly when that header is rewritten, so "the header bytes are what they
 * were" means "nothing committed since". Reading them is one pread; the cheapest statement,
 * even `PRAGMA data_version`, opens a read transaction and costs an order of magnitude more per
 * request under load (bench/README.md).
 *
 * The header is read at most once per synchronous run of JavaScript (until the next microtask
 * checkpoint): the token check and the read cache of one request share a read. Anything asked
 * within one run is answered as of one instant after the request arrived, which is all a caller
 * can observe anyway; under load each pread still cost a tenth of a cached SCIM read
 * (bench/README.md).
 *
 * Callers compare epochs: equal epochs from two calls mean no commit landed between them. A torn
 * read (a writer mid-update) differs from both the old and the new header, so it only ever costs
 * an extra change, never a missed one. Spurious changes (a checkpoint rewriting the header) are
 * harmless for the same reason.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface CommitWatch {
  /** A number that moves whenever any connection may have committed since the previous call. */
  epoch(): number;
  close(): void;
}

const HEADER_BYTES = 96;

/**
 * `path` is the database file the caller holds open in WAL mode. ':memory:' has no other
 * connection that could write, so its epoch never moves; the caller's own writes are the caller's
 * to account for. When the header cannot be read the watch reports a change on every call:
 * slower for caches, never stale.
 */
export function createCommitWatch(path: string): CommitWatch {
  if (path === ':memory:' || path === '') return { epoch: () => 0, close: () => {} };
  let fd: number | undefined;
  let closed = false;
  // Opened on first use and retried until it exists: SQLite creates the -shm file with the
  // connection's first WAL transaction, which need not have happened when the watch is made.
  const open = (): number | undefined => {
    if (fd === undefined && !closed) {
      try {
        fd = openSync(`${path}-shm`, 'r');
      } catch {
        fd = undefined;
      }
    }
    return fd;
  };
  open();
  let epoch = 0;
  let seen = Buffer.alloc(HEADER_BYTES);
  let scratch = Buffer.alloc(HEADER_BYTES);
  let readThisRun = false;
  const nextRun = () => {
    readThisRun = false;
  };
  return {
    epoch() {
      if (readThisRun) return epoch;
      readThisRun = true;
      queueMicrotask(nextRun);
      const handle = open();
      if (handle === undefined) return ++epoch;
      let read: number;
      try {
        read = readSync(handle, scratch, 0, HEADER_BYTES, 0);
      } catch {
        return ++epoch;
      }
      if (read !== HEADER_BYTES) return ++epoch;
      if (!scratch.equals(seen)) {
        [seen, scratch] = [scratch, seen];
        epoch++;
      }
      return epoch;
    },
    close() {
      closed = true;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
