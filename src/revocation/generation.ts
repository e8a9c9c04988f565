/**
 * The in-process "directory generation": a counter bumped by every directory change event, so a
 * cached access decision computed at generation N is known stale at N+1. The forward-auth cache
 * stores the generation beside each entry and recomputes when `current()` has moved on.
 *
 * Why bumping inside the directory transaction is safe: better-sqlite3 is synchronous and this
 * process has one connection, so between the bump (in the listener) and the COMMIT no request
 * handler can run — nothing can read the new generation and then see the old data, or cache a
 * decision computed from the old data under the new generation. A change that then rolls back
 * leaves the counter bumped, which costs one needless recompute, never a stale allow.
 *
 * Only for one process: with several replicas (shared PostgreSQL, later) the generation must come
 * from the database (e.g. max(events.seq)) instead.
 */
import type { ChangeListener } from '../directory/index.js';

export interface DirectoryGeneration {
  current(): number;
  /** Bump without a directory event (sign-out, admin revocation): pass as the session store's `onRevoke`. */
  bump(): number;
  /** Register with createDirectory({ listeners }); bumps on every event of any type. */
  listener: ChangeListener;
}

export function createDirectoryGeneration(): DirectoryGeneration {
  let generation = 0;
  const bump = (): number => ++generation;
  return {
    current: () => generation,
    bump,
    listener: () => {
      bump();
    },
  };
}
