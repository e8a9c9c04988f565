/**
 * The generation forward-auth decisions are cached at: it moves with every directory change (the
 * directory's own version, which also notices other processes' commits — src/directory/sqlite/version.ts)
 * and with every revocation that is not a directory change (sign-out). A decision computed at
 * generation N is stale at N+1: it is the decision cache's freshness stamp (src/shared/bounded-memo.ts),
 * so the cache empties when it moves.
 *
 * Both parts only ever grow, so their sum moves whenever either does.
 */
export interface DirectoryGeneration {
  current(): number;
  /** Move without a directory change (sign-out, admin revocation): pass as the session store's `onRevoke`. */
  bump(): void;
}

/** `directoryVersion` is `directory.version` (read lazily, so it may be wired after the sessions). */
export function createDirectoryGeneration(directoryVersion: () => number): DirectoryGeneration {
  let revocations = 0;
  return {
    current: () => directoryVersion() + revocations,
    // Only the counter: bump runs inside directory transactions (the revocation listener).
    bump: () => {
      revocations++;
    },
  };
}
