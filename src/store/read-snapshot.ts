/**
 * Several reads as one snapshot. In WAL mode every statement outside a transaction takes and drops
 * a read lock (two fcntl calls); a request's reads share one lock instead, and see one consistent
 * state. Synchronous by design: nothing can interleave. Inside a transaction (a write, an open
 * group) the reads simply run in it.
 */
import type Database from 'better-sqlite3';

export type ReadSnapshot = <T>(reads: () => T) => T;

export function createReadSnapshot(sqlite: Database.Database): ReadSnapshot {
  // Built once: better-sqlite3 wraps a transaction function in several closures.
  const snapshot = sqlite.transaction((reads: () => unknown) => reads());
  return <T>(reads: () => T): T => (sqlite.inTransaction ? reads() : (snapshot(reads) as T));
}
