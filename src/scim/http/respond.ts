/** Writing SCIM responses: the media type RFC 7644 §3.1 requires, and SCIM error bodies. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { plainResponse } from '../../http/plain-response.js';
import type { RequestLog } from '../../http/request-log.js';
import { DatabaseBusy, isBusyError } from '../../store/database-busy.js';
import { SearchBusy } from '../../directory/index.js';
import { WriteGroupFailed } from '../../store/write-group.js';
import { ScimError } from '../protocol/errors.js';

export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM answer: plain headers, so the node adapter's fast path applies (src/http/plain-response.ts). */
export function scimJson(c: Context, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return scimText(c, JSON.stringify(body), status, headers);
}

/** A SCIM answer already serialised (remembered reads: src/scim/http/read-cache.ts). */
export function scimText(c: Context, json: string, status = 200, headers: Record<string, string> = {}): Response {
  return plainResponse(c, json, status, { 'Content-Type': SCIM_MEDIA_TYPE, ...headers });
}

function hasHeaders(error: unknown): error is { headers: Record<string, string> } {
  return typeof error === 'object' && error !== null && typeof (error as { headers?: unknown }).headers === 'object';
}

/**
 * The 503 for a request whose group of writes was not stored (src/store/write-group.ts): its
 * COMMIT failed, or the connection is still inside a failed group's transaction. Temporary;
 * nothing was changed; the client retries.
 */
export function unstoredError(): ScimError & { headers: Record<string, string> } {
  const detail = 'handled together with changes that could not be committed; nothing was stored; retry';
  return Object.assign(new ScimError({ status: 503, detail }), { headers: { 'Retry-After': '1' } });
}

/** The 503 for a write that could not take the database's write lock in time (DatabaseBusy): nothing was changed; the client retries. */
export function busyError(): ScimError & { headers: Record<string, string> } {
  const busy = new DatabaseBusy();
  return Object.assign(new ScimError({ status: 503, detail: busy.message }), { headers: { 'Retry-After': String(busy.retryAfterSeconds) } });
}

/** The 503 for a search refused because the search thread has too many waiting (directory/sqlite/off-thread-search.ts). */
export function searchBusyError(): ScimError & { headers: Record<string, string> } {
  const detail = 'too many slow searches are waiting; retry shortly (indexed lookups such as userName eq are not affected)';
  return Object.assign(new ScimError({ status: 503, detail }), { headers: { 'Retry-After': '1' } });
}

/** Map anything thrown under /scim/v2 to a SCIM error body (RFC 7644 §3.12); never a stack trace. */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof WriteGroupFailed) return unstoredError();
  if (isBusyError(error)) return busyError();
  if (error instanceof SearchBusy) return searchBusyError();
  if (error instanceof HTTPException) {
    const detail = error.status === 413 ? 'request body is too large' : error.message || 'request refused';
    return new ScimError({ status: error.status, detail, scimType: error.status === 400 ? 'invalidSyntax' : undefined });
  }
  return new ScimError({ status: 500, detail: 'internal server error' });
}

export function renderScimError(error: unknown, c: Context, log: RequestLog | undefined): Response {
  const scimErr = toScimError(error);
  if (error instanceof SearchBusy) log?.warn({ reason: error.message }, 'SCIM search refused: the search thread is busy');
  else if (scimErr.status >= 500) log?.error({ err: error }, scimErr.status === 503 ? unavailableReason(error) : 'unhandled error in SCIM request');
  else log?.info({ status: scimErr.status, scimType: scimErr.scimType, detail: scimErr.detail }, 'SCIM request refused');
  const headers = hasHeaders(scimErr) ? scimErr.headers : {};
  return scimJson(c, scimErr.toJSON(), scimErr.status, headers);
}

function unavailableReason(error: unknown): string {
  return isBusyError(error) ? 'SCIM write refused: another process held the database write lock too long' : 'SCIM write refused: the database is recovering from a failed commit';
}
