/**
 * The one error type of the Shared Signals transmitter and its one renderer. SSF 1.0 names only
 * the status codes of its management API; the body follows the error shape of SET delivery
 * (RFC 8935 §2.3, RFC 8936 §2.4.4): `{"err": code, "description": text}`, which is what SSF
 * receivers already parse. Codes are stable; descriptions are for humans and never echo a token.
 */
import type { Context } from 'hono';

export type SsfErrorCode =
  /** The body is not JSON, not an object, or a member is missing or of the wrong kind. */
  | 'invalid_request'
  /** A Transmitter-Supplied property in an update does not match its value (SSF 1.0 §8.1.1.3). */
  | 'invalid_transmitter_property'
  /** The delivery method is not one we support. */
  | 'unsupported_delivery_method'
  /** No Authorization header, or not a Bearer one (RFC 6750 §3.1: the challenge then names no error). */
  | 'authentication_required'
  /** A bearer token that is not a live SSF receiver token (a SCIM or admin token is not one either). */
  | 'authentication_failed'
  /** No stream with this id for this receiver (someone else's streams are not found either). */
  | 'stream_not_found'
  /** The subject is not a subject identifier in a format we understand. */
  | 'invalid_subject'
  /** The body is over the size we read. */
  | 'request_too_large'
  /** The body is not sent as application/json. */
  | 'unsupported_media_type';

const STATUS: Record<SsfErrorCode, 400 | 401 | 404 | 413 | 415> = {
  invalid_request: 400,
  invalid_transmitter_property: 400,
  unsupported_delivery_method: 400,
  authentication_required: 401,
  authentication_failed: 401,
  stream_not_found: 404,
  invalid_subject: 400,
  request_too_large: 413,
  unsupported_media_type: 415,
};

export class SsfError extends Error {
  readonly code: SsfErrorCode;
  readonly status: 400 | 401 | 404 | 413 | 415;
  readonly expose = true;

  constructor(code: SsfErrorCode, message: string) {
    super(message);
    this.name = 'SsfError';
    this.code = code;
    this.status = STATUS[code];
  }
}

export const SSF_AUTH_REALM = 'scimgate-ssf';

/** The one renderer: every refusal of every SSF endpoint goes through here. */
export function renderSsfError(c: Context, error: SsfError): Response {
  c.header('Cache-Control', 'no-store');
  // RFC 6750 §3.1: no error attribute when no credentials were sent at all.
  if (error.status === 401) c.header('WWW-Authenticate', `Bearer realm="${SSF_AUTH_REALM}"${error.code === 'authentication_failed' ? ', error="invalid_token"' : ''}`);
  return c.json({ err: error.code, description: error.message }, error.status);
}
