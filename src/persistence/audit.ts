/**
 * The audit log's persistence, as any implementation must provide it: an append-only, hash-chained
 * record of security events (SCIM writes, sign-ins, session revocations, policy denies, config
 * reloads, token and hook changes). Each entry is appended inside the write that caused it, so it
 * commits or rolls back with its cause. The SQLite implementation is src/audit/sqlite/; how the
 * chain is built and checked is described in docs/audit.md.
 */

export interface AuditEntry {
  /** 'scim.write', 'signin.succeeded', 'signin.failed', 'session.revoked', 'policy.denied',
   * 'config.reloaded', 'scim_token.created', 'scim_token.revoked', 'hooks.changed',
   * 'ssf.stream_created', 'ssf.stream_updated', 'ssf.stream_deleted', … */
  type: string;
  /** Who: a SCIM token's name, 'operator', a stream client, … */
  actor?: string;
  userId?: string;
  requestId?: string;
  data?: Record<string, unknown>;
}

export interface AuditLog {
  /**
   * Appends inside the caller's `store.writes.write` (the row commits with what it records).
   * Throws outside a write: the chain's tail must be read under the write lock, or two processes
   * would both link to the same row.
   */
  record(entry: AuditEntry): void;
}

/**
 * For callers whose change is a write of its own (a SCIM request calling the directory): runs
 * `change` and, when `entryOf` returns an entry for its result, appends it, all in one write —
 * the change's own write becomes a savepoint of it. A result without an entry (a refused change,
 * which stored nothing) appends nothing.
 */
export interface AuditedWrites {
  write<T>(change: () => T, entryOf: (result: T) => AuditEntry | undefined): T;
}

/**
 * For events on hot or unauthenticated paths (policy denies on forward auth, refused sign-ins):
 * `note` never touches the database and never waits. At most one entry per key and window is
 * appended — off the request path, when the write lock is free — and the ones suppressed in
 * between are counted in a summary entry when the window ends. A crash loses what is still
 * buffered (docs/audit.md).
 */
export interface SampledAudit {
  /**
   * `summaryData`: what the window's summary entry carries besides its count (default: the first
   * entry's data). Give the key's own fields when the rest of the data is the caller's to choose
   * (a refused sign-in's reason): the summary then counts, and does not repeat a first reason.
   */
  note(key: string, entry: AuditEntry, summaryData?: Record<string, unknown>): void;
}

/** A stored entry: its place in the chain and the hashes that link it. */
export interface AuditRow {
  /** 1, 2, 3, … with no gaps: a gap is a deleted row. */
  seq: number;
  occurredAt: string;
  type: string;
  actor: string | null;
  userId: string | null;
  requestId: string | null;
  /** The entry's data as stored (JSON text), or null. */
  data: string | null;
  /** The previous row's hash (the genesis value for seq 1). */
  prevHash: string;
  /** SHA-256 over the canonical encoding of this row's columns and prevHash (src/audit/chain.ts). */
  hash: string;
}
