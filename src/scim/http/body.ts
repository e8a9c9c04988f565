/**
 * Reading SCIM request bodies: JSON under application/scim+json or application/json
 * (plain JSON is what many clients send), at most `maxBytes` — refused by its Content-Length
 * before reading, or while reading a body that did not say (chunked). Anything else is refused
 * with a SCIM error.
 *
 * The bytes come from src/http/request-body.ts: at once when they arrived with the headers (so a
 * write stays in its batch's group commit), else awaited.
 */
import type { Context } from 'hono';
import { requestBodyText } from '../../http/request-body.js';
import { requestHeader } from '../../http/request-header.js';
import { ScimError, scimError, type ScimResult } from '../protocol/errors.js';
import { fail, ok } from '../../shared/result.js';
import { unwrap } from './unwrap.js';

const JSON_TYPES = new Set(['application/scim+json', 'application/json']);

/** Calls `use` with the request's JSON body: synchronously when it has already arrived. A refused body throws its ScimError. */
export function withScimBody<T>(c: Context, maxBytes: number, use: (body: unknown) => T): T | Promise<T> {
  const body = readScimBody(c, maxBytes);
  return body instanceof Promise ? body.then((result) => use(unwrap(result))) : use(unwrap(body));
}

function readScimBody(c: Context, maxBytes: number): ScimResult<unknown> | Promise<ScimResult<unknown>> {
  const contentType = requestHeader(c, 'content-type');
  if (contentType !== undefined) {
    const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!JSON_TYPES.has(essence)) {
      return fail(new ScimError({ status: 415, code: 'unsupported-media-type', detail: `unsupported media type "${essence}"; send application/scim+json` }));
    }
  }
  const declared = requestHeader(c, 'content-length');
  if (declared !== undefined && Number(declared) > maxBytes) return fail(tooLarge(maxBytes));
  const text = requestBodyText(c, maxBytes);
  return text instanceof Promise ? text.then((t) => parseBody(t, maxBytes), bodyNotReceived) : parseBody(text, maxBytes);
}

/**
 * The body stopped arriving: the client went away, or node cut it off at the request timeout
 * (src/http/server-timeouts.ts) and has already answered 408. Not a server fault (no 500 in the
 * log), and nothing is written.
 */
function bodyNotReceived(): ScimResult<unknown> {
  return fail(new ScimError({ status: 408, code: 'body-not-received', detail: 'the request body did not arrive in time, or the client closed the connection' }));
}

/** The body's text as JSON; `undefined` text means it grew past the limit. */
function parseBody(text: string | undefined, maxBytes: number): ScimResult<unknown> {
  if (text === undefined) return fail(tooLarge(maxBytes));
  if (text.trim() === '') return fail(scimError('invalidSyntax', 'request body is empty'));
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'malformed JSON';
    return fail(scimError('invalidSyntax', `request body is not valid JSON: ${reason}`));
  }
}

const tooLarge = (maxBytes: number) => new ScimError({ status: 413, code: 'payload-too-large', detail: `request body exceeds ${maxBytes} bytes` });
