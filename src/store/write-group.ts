/**
 * Group commit: the writes of one batch of requests (src/http/batched-listener.ts) share one
 * transaction, and their answers leave only once it has committed.
 *
 * Why: each write's own COMMIT appended every page it touched to the WAL — the user's row, its
 * indexes, the change log's last page and its index, the AUTOINCREMENT counter — with a write
 * system call per frame, and the checkpointer copied each of those frames back later. Under load
 * that was ~90 µs of a ~225 µs PATCH (bench/README.md). Writes committed together share the pages
 * they have in common (the change log's above all) and one COMMIT.
 *
 * How it stays correct:
 * - The group is one synchronous run of JavaScript: opened (BEGIN IMMEDIATE) before the batch's
 *   first request that may write, committed when the batch's run ends. Nothing else runs in between,
 *   so no other code can see its uncommitted rows, and no other process can write meanwhile (the
 *   write lock is held from BEGIN).
 * - Each write keeps its own atomicity: better-sqlite3 runs a transaction function inside an open
 *   transaction as a SAVEPOINT, so a write that fails rolls back alone and the group goes on.
 * - No answer that could have seen the group's rows leaves before its COMMIT: answers computed
 *   while it is open wait for `committed()`; the batch holds back reads until it has committed.
 *   If the COMMIT fails, every one of those answers says so instead (and nothing was stored).
 * - Caches keyed by the directory's version are told (`onRollback`) when a group rolls back: an
 *   answer computed from its rows must not outlive them.
 */
import type Database from 'better-sqlite3';

export interface WriteGroup {
  /** Opens a group unless one is open; false when it cannot (a transaction is already open, or the write lock stayed busy). */
  open(): boolean;
  /** Whether a group is open now. A group whose transaction SQLite ended early (an I/O error, a full disk) is closed as failed here. */
  isOpen(): boolean;
  /** Commits the open group (rolling back if the COMMIT fails) and settles `committed()`; never throws. */
  close(): void;
  /** While a group is open, the promise of its commit; undefined otherwise. Rejects (WriteGroupFailed) when the group's writes were not stored. */
  committed(): Promise<void> | undefined;
  /** Runs just before each group's BEGIN (outside any transaction). */
  onBegin(listener: () => void): void;
  /** Runs after a group rolled back, so that anything derived from its rows is dropped. */
  onRollback(listener: () => void): void;
}

export class WriteGroupFailed extends Error {
  constructor(readonly reason: unknown) {
    super('the grouped writes could not be committed; nothing of them was stored', { cause: reason });
  }
}

interface OpenGroup {
  promise: Promise<void>;
  resolve(): void;
  reject(error: WriteGroupFailed): void;
}

export function createWriteGroup(sqlite: Database.Database): WriteGroup {
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const beginListeners: (() => void)[] = [];
  const rollbackListeners: (() => void)[] = [];
  let current: OpenGroup | undefined;

  /** Ends `group` as failed: rolled back if SQLite has not already, listeners told, its waiting answers rejected. */
  const fail = (group: OpenGroup, error: unknown): Promise<void> => {
    current = undefined;
    try {
      if (sqlite.inTransaction) rollback.run();
    } catch {
      // The connection refuses even a rollback: SQLite rolls back on its own when it recovers.
    }
    for (const listener of rollbackListeners) listener();
    group.reject(new WriteGroupFailed(error));
    return group.promise;
  };

  /** The open group, after closing it as failed when SQLite ended its transaction (and rolled it back) on an I/O error or a full disk. */
  const lost = (): Promise<void> | undefined =>
    current !== undefined && !sqlite.inTransaction ? fail(current, new Error('SQLite ended the transaction early')) : undefined;

  return {
    open() {
      if (current !== undefined || sqlite.inTransaction) return false;
      for (const listener of beginListeners) listener();
      try {
        begin.run();
      } catch {
        // Another process kept the write lock past the busy timeout: the batch runs ungrouped,
        // and each write meets the same lock (and answers for it) on its own.
        return false;
      }
      let resolve!: () => void;
      let reject!: (error: WriteGroupFailed) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A group no answer waited for may fail unobserved; that must not count as an unhandled rejection.
      promise.catch(() => {});
      current = { promise, resolve, reject };
      return true;
    },
    isOpen() {
      lost();
      return current !== undefined;
    },
    close() {
      if (lost() !== undefined || current === undefined) return;
      const group = current;
      try {
        commit.run();
      } catch (error) {
        fail(group, error);
        return;
      }
      current = undefined;
      group.resolve();
    },
    // A group lost during the caller's own request still answers for it: with its failure.
    committed: () => lost() ?? current?.promise,
    onBegin: (listener) => void beginListeners.push(listener),
    onRollback: (listener) => void rollbackListeners.push(listener),
  };
}
