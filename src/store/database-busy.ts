/**
 * The one error a write gives when it could not take the database's write lock in time: another
 * process (a second server on the same file, `scimgate token …`) held it past the bounded wait
 * (the connection's busy timeout, src/store/connection.ts). Nothing was written; the client may
 * retry. The HTTP side answers 503 with Retry-After, in the format of the endpoint asked.
 */
export class DatabaseBusy extends Error {
  readonly code = 'database-busy';
  /** Seconds a client should wait before retrying (the Retry-After header). */
  readonly retryAfterSeconds = 1;
  constructor(cause?: unknown) {
    super('the database is busy with another writer; nothing was stored; retry', { cause });
  }
}

/** SQLite's "busy" family (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT, SQLITE_LOCKED…), as better-sqlite3 reports it. */
export function isBusyError(error: unknown): boolean {
  if (error instanceof DatabaseBusy) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** `error` as a DatabaseBusy when SQLite said busy, else unchanged. */
export function asDatabaseBusy(error: unknown): unknown {
  return isBusyError(error) && !(error instanceof DatabaseBusy) ? new DatabaseBusy(error) : error;
}
