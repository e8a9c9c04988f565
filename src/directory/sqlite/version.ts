/**
 * directory.version(): a number that moves whenever the directory may have changed — through
 * this directory (every change event, inside its transaction) or through another connection to
 * the same file (a second server, a script), noticed as a commit (src/store/commit-watch.ts) that
 * advanced the event log. Caches of anything read from the directory (forward-auth decisions, SCIM
 * read answers) keep the version they were computed at and are stale once it moves.
 *
 * Why moving it inside the transaction is safe for this process: better-sqlite3 is synchronous,
 * so no request can run between the bump and the COMMIT, read the new version and then see old
 * rows. A change that rolls back still moved it: one needless recompute, never a stale answer.
 * Commits that change no directory row (a session's idle clock, a token's last use) leave the
 * event log where it was, so they do not empty the caches. A sign-out is logged although it is no
 * directory change (directory.recordSessionRevoked), so that other servers' decision caches hear of it.
 *
 * Asked inside a write transaction (a revocation listener), it answers without looking: the
 * event log's tail there may be this transaction's own uncommitted row, and remembering a
 * sequence number that then rolls back would hide another process's next event, which reuses it.
 *
 * Grouped writes (src/store/write-group.ts) run inside one transaction for a whole batch: the
 * version is brought up to date (as of the batch's run, like every check in it) just before a
 * group begins, and moves again if a group rolls back, since requests in it may have computed
 * answers from its rows.
 *
 * Only changes made through the directory (the SCIM API, scimgate's commands) are seen: a
 * hand-written UPDATE on a running server's database writes no event, so remembered answers
 * (src/scim/http/read-cache.ts) would not notice it until the next directory change.
 */
import type { Store } from '../../store/index.js';

export interface DirectoryVersion {
  current(): number;
  /** Called by the event log for every change this process makes. */
  noteChange(): void;
}

export function createDirectoryVersion(store: Pick<Store, 'sqlite' | 'commits' | 'writes'>): DirectoryVersion {
  const lastSeq = store.sqlite.prepare<[], number | null>('SELECT max(seq) FROM events').pluck();
  let version = 0;
  let seenEpoch: number | undefined;
  let seenSeq: number | null | undefined;
  const current = (): number => {
    if (store.sqlite.inTransaction) return version;
    const epoch = store.commits.epoch();
    if (epoch !== seenEpoch) {
      // Only after some commit: one indexed read of the log's tail says whether it was ours to care about.
      seenEpoch = epoch;
      const seq = lastSeq.get() ?? null;
      if (seq !== seenSeq) {
        if (seenSeq !== undefined) version++;
        seenSeq = seq;
      }
    }
    return version;
  };
  const noteChange = () => {
    version++;
  };
  store.writes.onBegin(current);
  store.writes.onRollback(noteChange);
  return { current, noteChange };
}
