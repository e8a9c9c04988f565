/**
 * Group commit: the writes of one batch of requests (src/http/batched-listener.ts) share one
 * transaction, and their answers leave only once it has committed.
 *
 * Why: each write's own COMMIT appended every page it touched to the WAL — the user's row, its
 * indexes, the change log's last page, the AUTOINCREMENT counter — with a write system call per
 * frame, and the checkpointer copied each of those frames back later. Under load that was
 * about two fifths of a PATCH (bench/README.md). Writes committed together share the pages they have in
 * common (the change log's above all) and one COMMIT.
 *
 * How it stays correct:
 * - A group lives inside one synchronous run of JavaScript (`during`): it opens (BEGIN IMMEDIATE)
 *   when the first write of the run joins, and commits when the run ends. Nothing else runs in
 *   between, so no other code can see its uncommitted rows, and no other process can write
 *   meanwhile (the write lock is held from BEGIN). Requests that write nothing never take the lock.
 * - Each write keeps its own atomicity: better-sqlite3 runs a transaction function inside an open
 *   transaction as a SAVEPOINT, so a write that fails rolls back alone and the group goes on.
 * - No answer that could have seen the group's rows leaves before its COMMIT: answers computed
 *   while it is open wait for `committed()`; the batch holds back reads until it has committed.
 *   If the COMMIT fails, every one of those answers says so instead (and nothing was stored).
 * - A transaction SQLite ended on its own (an I/O error, a full disk) is noticed before the next
 *   write joins, so that write is not mistaken for part of it: the lost group fails, a new one opens.
 * - When the BEGIN fails (another process kept the write lock past the busy timeout), every write
 *   of the rest of the run is refused with that failure (DatabaseBusy: 503, retry) at once: waiting
 *   for the lock again, write after write, would stall the event loop a busy timeout each time.
 * - Caches keyed by the directory's version are told (`onRollback`) when a group rolls back.
 * - A ROLLBACK that itself fails (a statement still running) leaves the connection inside the
 *   failed transaction: it is rolled back as soon as it can be — at each run's start and end,
 *   whenever the group is asked about — and until then a write that joins is refused (503) rather
 *   than made a savepoint of it (answered, then never committed). Bookkeeping writes that do not
 *   join (a session's idle clock) and reads outside runs can still land inside it meanwhile;
 *   nothing in scimgate keeps a statement running across turns of the event loop, so the window
 *   is a corner of a corner.
 */
import type Database from 'better-sqlite3';
import { asDatabaseBusy } from './database-busy.js';

export interface WriteGroup {
  /** Runs `run` with the writes that join during it grouped, and commits them when it returns. */
  during(run: () => void): void;
  /**
   * Called by the unit of work (src/store/unit-of-work.ts) just before a write's transaction:
   * inside `during`, the write joins the group (opening it if needed). Throws when the write must
   * not run: the group could not take the write lock (DatabaseBusy), or the connection is still
   * inside a failed group's transaction (WriteGroupFailed).
   */
  join(): void;
  /** Whether a group is open now. */
  isOpen(): boolean;
  /**
   * While a group is open, the promise of its commit; undefined otherwise. Rejects
   * (WriteGroupFailed) when the group's writes were not stored. Given `since` (a `joined()`
   * reading), a group that failed after writes joined it since then answers instead: a request
   * whose write was in a lost group learns so, even if a later write of its own opened a new one.
   */
  committed(since?: number): Promise<void> | undefined;
  /** How many writes have joined groups so far: a caller compares two readings to learn whether writes joined in between. */
  joined(): number;
  /** Runs just before each group's BEGIN (outside any transaction). */
  onBegin(listener: () => void): void;
  /** Runs after a group rolled back, so that anything derived from its rows is dropped. */
  onRollback(listener: () => void): void;
  /**
   * Runs inside each group's transaction just before its COMMIT, given the promise of that commit:
   * bookkeeping that would rather share the group's COMMIT than pay for one of its own
   * (src/store/unit-of-work.ts, `writeWithNextGroup`). What it writes must not throw out of it.
   */
  beforeCommit(listener: (committed: Promise<void>) => void): void;
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
  const commitListeners: ((committed: Promise<void>) => void)[] = [];
  let current: OpenGroup | undefined;
  let running = false;
  /** Why a BEGIN failed during this run, if one did: every later write of the run is refused with it. */
  let refused: unknown;
  let joins = 0;
  /** Set when a failed group's ROLLBACK itself failed (a statement was still running): the connection is still inside its transaction. */
  let leaked = false;
  /** The last group that failed, and the `joins` count when it did: the writes up to that count that joined it were lost. */
  let lastFailure: { joinsUpTo: number; promise: Promise<void> } | undefined;

  const tellRollback = () => {
    for (const listener of rollbackListeners) {
      try {
        listener();
      } catch {
        // A listener's failure must not keep the others, or the answers, from hearing of the rollback.
      }
    }
  };

  /** Ends `group` as failed: rolled back if SQLite has not already, listeners told, its waiting answers rejected. */
  const fail = (group: OpenGroup, error: unknown) => {
    current = undefined;
    try {
      if (sqlite.inTransaction) rollback.run();
    } catch {
      // Refused while a statement still runs: the connection stays inside the failed transaction until `recover` succeeds.
      leaked = true;
    }
    tellRollback();
    lastFailure = { joinsUpTo: joins, promise: group.promise };
    group.reject(new WriteGroupFailed(error));
  };

  /**
   * Rolls back what a failed ROLLBACK left open: true when the connection is clean. Tried at every
   * run's start and end and whenever the group is asked about (noticeLoss), so that reads and
   * answers in between are as few as possible; rows read meanwhile came from the failed group, so
   * the listeners hear of this rollback too. A leak SQLite ended on its own is simply over.
   */
  const recover = (): boolean => {
    if (!leaked) return true;
    if (sqlite.inTransaction) {
      try {
        rollback.run();
      } catch {
        return false;
      }
    }
    leaked = false;
    tellRollback();
    return true;
  };

  /** Fails the open group if SQLite has ended its transaction (and rolled it back) on its own; retries a pending recovery. */
  const noticeLoss = () => {
    if (leaked) recover();
    if (current !== undefined && !sqlite.inTransaction) fail(current, new Error('SQLite ended the transaction early'));
  };

  const open = (): void => {
    for (const listener of beginListeners) {
      try {
        listener();
      } catch {
        // A listener's failure (a cache that could not look at the log) must not refuse the writes.
      }
    }
    try {
      begin.run();
    } catch (error) {
      // Another process kept the write lock past the busy timeout (or the database cannot be
      // read): this write and the rest of the run's are refused with that reason.
      refused = asDatabaseBusy(error);
      throw refused;
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
  };

  const close = () => {
    noticeLoss();
    const group = current;
    if (group === undefined) return;
    for (const listener of commitListeners) {
      try {
        listener(group.promise);
      } catch {
        // Riders keep their failures to themselves (each in a savepoint); the group's writes commit regardless.
      }
    }
    try {
      commit.run();
    } catch (error) {
      fail(group, error);
      return;
    }
    current = undefined;
    group.resolve();
  };

  return {
    during(run) {
      // A run inside a run (never done: node calls the request listener from its poll phase) is part of it.
      if (running) return run();
      recover();
      running = true;
      refused = undefined;
      try {
        run();
      } finally {
        running = false;
        close();
        // Before the held-back reads, which come next.
        recover();
      }
    },
    join() {
      // A write must not become a savepoint of a failed group's transaction: it would be answered and never committed.
      if (!recover()) throw new WriteGroupFailed(new Error('the connection is still inside a failed transaction'));
      noticeLoss();
      if (running && refused !== undefined && current === undefined) throw refused;
      if (current === undefined && running && !sqlite.inTransaction) open();
      if (current !== undefined) joins++;
    },
    isOpen() {
      noticeLoss();
      return current !== undefined;
    },
    committed(since) {
      // A group lost during the caller's own request answers for it with its failure.
      const group = current;
      noticeLoss();
      if (since !== undefined && lastFailure !== undefined && lastFailure.joinsUpTo > since) return lastFailure.promise;
      return group?.promise;
    },
    joined: () => joins,
    onBegin: (listener) => void beginListeners.push(listener),
    onRollback: (listener) => void rollbackListeners.push(listener),
    beforeCommit: (listener) => void commitListeners.push(listener),
  };
}
