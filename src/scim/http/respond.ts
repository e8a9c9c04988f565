/** Writing SCIM responses: the media type RFC 7644 §3.1 requires, and SCIM error bodies. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { plainResponse } from '../../http/plain-response.js';
import type { RequestLog } from '../../http/request-log.js';
import { SearchBusy } from '../../directory/index.js';
import { SEARCH_BUSY_FAILURE, serverFailureAnswer, serverFailureLogMessage, serverFailureOf } from '../../http/server-error.js';
import { ScimError } from '../protocol/errors.js';
import { SCIM_MEDIA_TYPE } from '../protocol/media-type.js';

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

/** A client's error as a SCIM error (RFC 7644 §3.12); undefined for a failure on our side (5xx). */
export function toScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error.status < 500 ? error : undefined;
  if (error instanceof HTTPException && error.status < 500) {
    const detail = error.status === 413 ? 'request body is too large' : error.message || 'request refused';
    return error.status === 400
      ? new ScimError({ status: 400, detail, scimType: 'invalidSyntax' })
      : new ScimError({ status: error.status, detail, code: error.status === 413 ? 'payload-too-large' : 'refused' });
  }
  return undefined;
}

/**
 * Anything thrown under /scim/v2 as a SCIM error body; never a stack trace. Failures on our side
 * are written by src/http/server-error.ts, in SCIM's format.
 */
export function renderScimError(error: unknown, c: Context, log: RequestLog | undefined): Response {
  const scimErr = toScimError(error);
  if (scimErr === undefined) {
    // A search refused because the search thread has too many waiting (src/directory/off-thread-search.ts) is load, not a fault.
    const failure = error instanceof SearchBusy ? SEARCH_BUSY_FAILURE : serverFailureOf(error);
    if (failure === SEARCH_BUSY_FAILURE) log?.warn({ reason: (error as Error).message }, serverFailureLogMessage(failure));
    else log?.error({ err: error }, serverFailureLogMessage(failure));
    const answer = serverFailureAnswer(c.req.path, failure);
    return plainResponse(c, answer.body, answer.status, answer.headers);
  }
  const refusal = { status: scimErr.status, code: scimErr.code, scimType: scimErr.scimType, detail: scimErr.detail };
  // A throttled client may send thousands a second: its access lines already say 429, a second line each would double the cost.
  if (scimErr.code === 'rate-limited') log?.debug(refusal, 'SCIM request refused');
  else log?.info(refusal, 'SCIM request refused');
  const headers = hasHeaders(scimErr) ? scimErr.headers : {};
  return scimJson(c, scimErr.toJSON(), scimErr.status, headers);
}
