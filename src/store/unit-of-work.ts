/**
 * The unit of work: the only way anything in scimgate writes to the database. `write(change)`
 * runs `change` — the rows it writes and the change events they cause (src/directory/sqlite/events.ts
 * runs its listeners inside) — as one atomic step that:
 *
 * - joins the batch's group commit when called inside one (src/store/write-group.ts), as a
 *   savepoint of the group's transaction, so its answer can wait for the group's COMMIT
 *   (`committed`, used by src/http/answer-after-commit.ts);
 * - otherwise (a body that arrived after its headers, a command, a timer) runs in its own
 *   transaction begun with BEGIN IMMEDIATE: the write lock is taken before anything is read, so
 *   another process's commit can never invalidate what the change read (SQLITE_BUSY_SNAPSHOT,
 *   which SQLite cannot wait out), and taking it waits at most the connection's busy timeout;
 * - fails with DatabaseBusy (503, retry) when the lock stayed taken past that wait, and with
 *   WriteGroupFailed (503) when the connection is still inside a failed group — never with a bare
 *   SQLite error.
 *
 * Nested calls (a revocation listener ending sessions inside a user's deactivation) become
 * savepoints of the outer one. `writeIfFree` is for bookkeeping that may be skipped (a session's
 * idle clock, a token's last use): it never waits for the lock and never throws for a busy database.
 * `writeWithNextGroup` is bookkeeping that must be durable before its caller goes on, but need not
 * be at once (a hook delivery's outcome): it shares the next group's COMMIT, or goes alone soon.
 *
 * Outside src/store/, raw transactions and write statements are refused by `npm run lint`
 * (scripts/lint-writes.mjs): a writer that does not come through here cannot land.
 */
import type Database from 'better-sqlite3';
import { asDatabaseBusy } from './database-busy.js';
import type { WriteGroup } from './write-group.js';

export interface UnitOfWork {
  /** Runs `change` as one atomic write (see above) and returns what it returns. Throws DatabaseBusy or WriteGroupFailed when it could not run; `change`'s own errors roll it back and pass through. */
  write<T>(change: () => T): T;
  /**
   * Bookkeeping that may be skipped: like `write`, but undefined at once (nothing written) when the
   * write lock is not free right now, or when the write fails — it never throws, so a busy or
   * broken database never fails the request that asked. Inside an open group it rides along
   * without counting as one of the group's writes (the request's answer does not depend on it).
   */
  writeIfFree<T>(change: () => T): T | undefined;
  /**
   * Bookkeeping that would rather share a COMMIT than pay for its own (the hooks' delivery claims
   * and outcomes, about one per webhook sent): `change` runs inside the next group's transaction,
   * as a savepoint just before its COMMIT — or, when no group has committed by the end of this
   * turn of the event loop (its check phase, where batches of requests run), in one transaction
   * of its own with whatever else waits (as writeIfFree: never waiting for the lock). Resolves
   * once what it wrote is committed, with what it returned; undefined when it was not stored (the
   * lock was taken, the group failed, `change` threw).
   */
  writeWithNextGroup<T>(change: () => T): Promise<T | undefined>;
  /** Runs `run` (a batch of requests) with the writes made during it committed together when it returns. */
  during(run: () => void): void;
  /** Whether a group of writes is open now (reads are held back until it commits). */
  isOpen(): boolean;
  /** Whether the caller runs inside `write` or `writeIfFree` now: appenders that must ride with a cause (the hooks' outbox) check it. */
  inWrite(): boolean;
  /** The promise of the open group's commit, or of a lost group's failure since `since` (a `joined()` reading); see WriteGroup.committed. */
  committed(since?: number): Promise<void> | undefined;
  /** How many writes have joined groups so far. */
  joined(): number;
  /** Runs just before each group's BEGIN. */
  onBegin(listener: () => void): void;
  /** Runs after a group rolled back. */
  onRollback(listener: () => void): void;
}

interface Rider {
  change: () => unknown;
  resolve: (value: unknown) => void;
}

export function createUnitOfWork(sqlite: Database.Database, group: WriteGroup, busyTimeoutMs: number): UnitOfWork {
  // Built once: better-sqlite3 wraps a transaction function in several closures. Called inside an
  // open transaction it runs as a SAVEPOINT; `.immediate` outside one begins with BEGIN IMMEDIATE.
  const transaction = sqlite.transaction((change: () => unknown) => change());
  let depth = 0;
  const inside = <T>(change: () => T) => (): T => {
    depth++;
    try {
      return change();
    } finally {
      depth--;
    }
  };
  const run = <T>(change: () => T): T => (sqlite.inTransaction ? transaction(inside(change)) : transaction.immediate(inside(change))) as T;

  const writeIfFree = <T>(change: () => T): T | undefined => {
    try {
      // The group holds the lock already: the bookkeeping commits with it.
      if (group.isOpen()) return run(change);
      // Inside a transaction that is not an open group (a failed one not yet rolled back): skip.
      if (sqlite.inTransaction) return undefined;
    } catch {
      return undefined;
    }
    // Not a prepared statement kept for reuse: SQLite applies busy_timeout when the PRAGMA is prepared, not when it runs.
    sqlite.pragma('busy_timeout = 0');
    try {
      return transaction.immediate(inside(change)) as T;
    } catch {
      return undefined;
    } finally {
      sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  };

  /** Bookkeeping waiting for the next group (writeWithNextGroup), and the immediate that writes it alone if none comes. */
  let riders: Rider[] = [];
  let alone: NodeJS.Immediate | undefined;
  /** Each rider in a savepoint of the transaction open now: one that throws is undone alone. */
  const runRiders = (taken: Rider[]): unknown[] =>
    taken.map((rider) => {
      try {
        return transaction(inside(rider.change));
      } catch {
        return undefined;
      }
    });
  const takeRiders = (): Rider[] => {
    const taken = riders;
    riders = [];
    if (alone) clearImmediate(alone);
    alone = undefined;
    return taken;
  };
  group.beforeCommit((committed) => {
    if (riders.length === 0) return;
    const taken = takeRiders();
    const results = runRiders(taken);
    committed.then(
      () => taken.forEach((rider, i) => rider.resolve(results[i])),
      () => taken.forEach((rider) => rider.resolve(undefined)),
    );
  });
  const writeAlone = () => {
    alone = undefined;
    const taken = takeRiders();
    if (taken.length === 0) return;
    const results = writeIfFree(() => runRiders(taken));
    taken.forEach((rider, i) => rider.resolve(results?.[i]));
  };

  return {
    write(change) {
      group.join();
      try {
        return run(change);
      } catch (error) {
        throw asDatabaseBusy(error);
      }
    },
    writeIfFree,
    writeWithNextGroup<T>(change: () => T) {
      return new Promise<T | undefined>((resolve) => {
        riders.push({ change, resolve: resolve as (value: unknown) => void });
        // A batch of requests read in this poll phase runs its group in this turn's check phase,
        // before or after this immediate (whichever was queued first). A timer would wait for
        // every batch, but would cost each outcome a millisecond when no requests come: a
        // backlog drained at a third of the speed (bench/README.md, issue 14).
        alone ??= setImmediate(writeAlone);
      });
    },
    during: (batch) => group.during(batch),
    isOpen: () => group.isOpen(),
    inWrite: () => depth > 0,
    committed: (since) => group.committed(since),
    joined: () => group.joined(),
    onBegin: (listener) => group.onBegin(listener),
    onRollback: (listener) => group.onRollback(listener),
  };
}
