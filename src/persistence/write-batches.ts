/**
 * What a store offers the HTTP side for batching writes (group commit) and holding answers until
 * their commit (src/http/batched-listener.ts, src/http/answer-after-commit.ts). The SQLite store's
 * unit of work (src/store/unit-of-work.ts) is one. A store without group commit runs `during`'s
 * function as it is, is never open, and has no commit to wait for.
 */
export interface WriteBatches {
  /** Runs `run` (one batch of requests) with the writes made during it committed together when it returns. */
  during(run: () => void): void;
  /** Whether a group of writes is open now: reads are held back until it has committed. */
  isOpen(): boolean;
  /** The promise of the open group's commit (or of a lost group's failure since `since`, a `joined()` reading). */
  committed(since?: number): Promise<void> | undefined;
  /** How many writes have joined groups so far. */
  joined(): number;
}
