/**
 * The one place 500 and 503 answers are written. A failure on our side answers in the wire format
 * of the endpoint that was asked — SCIM's error body under /scim/ (RFC 7644 §3.12), OAuth's error
 * JSON elsewhere — and says nothing about its cause: the cause goes to the log, never on the wire.
 * Client errors (4xx) are each protocol's own business (src/scim/http/respond.ts,
 * src/access/http/error-page.ts); this module is for what the client could not have avoided.
 */
import { SCIM_ERROR_SCHEMA } from '../scim/protocol/errors.js';
import { SCIM_MEDIA_TYPE } from '../scim/protocol/media-type.js';
import { isBusyError, WriteGroupFailed } from '../store/index.js';

export interface ServerFailure {
  status: 500 | 503;
  /**
   * Stable, for logs and tests: `internal` is a bug; `unstored` a write refused or rolled back
   * with its group; `busy` a write that could not take the write lock in time; `search-busy` a
   * search refused because too many wait for the search thread.
   */
  code: 'internal' | 'unstored' | 'busy' | 'search-busy';
  /** What the client is told. */
  detail: string;
  /** For 503s: when to try again. */
  retryAfterSeconds?: number;
}

export const INTERNAL_FAILURE: ServerFailure = { status: 500, code: 'internal', detail: 'internal server error' };

/**
 * A write whose group of writes was not stored (src/store/write-group.ts): its COMMIT failed, or
 * the connection is still inside a failed group's transaction. Temporary; nothing was changed.
 */
export const UNSTORED_FAILURE: ServerFailure = {
  status: 503,
  code: 'unstored',
  detail: 'handled together with changes that could not be committed; nothing was stored; retry',
  retryAfterSeconds: 1,
};

/**
 * A write that could not take the database's write lock in time: another process held it past
 * the bounded wait (src/store/database-busy.ts). Nothing was written.
 */
export const BUSY_FAILURE: ServerFailure = {
  status: 503,
  code: 'busy',
  detail: 'the database is busy with another writer; nothing was stored; retry',
  retryAfterSeconds: 1,
};

/** A search refused at once because too many already wait for the search thread (the directory's SearchBusy). */
export const SEARCH_BUSY_FAILURE: ServerFailure = {
  status: 503,
  code: 'search-busy',
  detail: 'too many slow searches are waiting; retry shortly (indexed lookups such as userName eq are not affected)',
  retryAfterSeconds: 1,
};

/** What an error nobody answered means for the client (the directory's SearchBusy is mapped by the SCIM renderer). */
export function serverFailureOf(error: unknown): ServerFailure {
  if (error instanceof WriteGroupFailed) return UNSTORED_FAILURE;
  if (isBusyError(error)) return BUSY_FAILURE;
  return INTERNAL_FAILURE;
}

const LOG_MESSAGES: Record<ServerFailure['code'], string> = {
  internal: 'unhandled error',
  unstored: 'write refused: its group of writes was not stored',
  busy: 'write refused: another process held the database write lock too long',
  'search-busy': 'SCIM search refused: the search thread is busy',
};

/** What the log says about it. */
export function serverFailureLogMessage(failure: ServerFailure): string {
  return LOG_MESSAGES[failure.code];
}

/** Requests under the SCIM API, which answer every error in SCIM's format. */
export const isScimPath = (path: string): boolean => path === '/scim/v2' || path.startsWith('/scim/v2/');

export interface ServerFailureAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The answer for `failure` on a request for `path`, as plain parts (the node listener writes them itself). */
export function serverFailureAnswer(path: string, failure: ServerFailure): ServerFailureAnswer {
  const scim = isScimPath(path);
  const body = scim
    ? { schemas: [SCIM_ERROR_SCHEMA], status: String(failure.status), detail: failure.detail }
    : { error: failure.status === 503 ? 'temporarily_unavailable' : 'server_error', error_description: failure.detail };
  const headers: Record<string, string> = { 'Content-Type': scim ? SCIM_MEDIA_TYPE : 'application/json' };
  if (failure.retryAfterSeconds !== undefined) headers['Retry-After'] = String(failure.retryAfterSeconds);
  return { status: failure.status, headers, body: JSON.stringify(body) };
}

/** The same, as a Response for the request asked. */
export function serverFailureResponse(request: Request, failure: ServerFailure): Response {
  const { status, headers, body } = serverFailureAnswer(new URL(request.url).pathname, failure);
  return new Response(body, { status, headers });
}
