/**
 * Bearer-token authentication for /scim/v2 (RFC 6750 §2.1, §3). Every failure is a 401 ScimError
 * carrying the WWW-Authenticate challenge; on success the token's record is on `c.var.scimToken`.
 * Token values never appear in errors or logs.
 */
import type { Context } from 'hono';
import { requestHeader } from '../http/request-header.js';
import { ScimError } from './protocol/errors.js';
import type { TokenRecord, TokenService } from '../tokens/token-service.js';

export const SCIM_AUTH_REALM = 'scimgate';

/** Hono env for routes behind bearerAuthenticator. */
export interface ScimAuthVariables {
  scimToken: TokenRecord;
}
export interface ScimAuthEnv {
  Variables: ScimAuthVariables;
}

/**
 * A 401 that knows its challenge. ScimError stays header-free; the app's error handler copies
 * `headers` from any error that has them.
 */
export class ScimAuthError extends ScimError {
  readonly headers: Record<string, string>;
  /** Stable reason for tests and metrics; the detail is for humans. */
  override readonly code: 'token-missing' | 'scheme-not-bearer' | 'token-empty' | 'token-invalid';

  constructor(code: ScimAuthError['code'], detail: string) {
    super({ status: 401, detail, code });
    this.name = 'ScimAuthError';
    this.code = code;
    // RFC 6750 §3.1: no error code when the client sent no bearer credentials at all.
    const challenge =
      code === 'token-invalid'
        ? `Bearer realm="${SCIM_AUTH_REALM}", error="invalid_token"`
        : `Bearer realm="${SCIM_AUTH_REALM}"`;
    this.headers = { 'WWW-Authenticate': challenge };
  }
}

/** `Bearer <token>`: scheme case-insensitive (RFC 9110 §11.1), one or more spaces, a single token. */
const BEARER = /^bearer(?: +(.*))?$/i;

/** Authenticates a request or throws ScimAuthError; on success the token's record is on `c.var.scimToken`. */
export function bearerAuthenticator(tokens: Pick<TokenService, 'verify'>): (c: Context) => void {
  return (c) => {
    const header = requestHeader(c, 'authorization');
    if (header === undefined || header.trim() === '') {
      throw new ScimAuthError('token-missing', 'Authorization header with a Bearer token is required');
    }
    const match = BEARER.exec(header.trim());
    if (!match) {
      throw new ScimAuthError('scheme-not-bearer', 'Authorization scheme must be Bearer');
    }
    const presented = match[1] ?? '';
    if (presented === '') {
      throw new ScimAuthError('token-empty', 'Bearer token is empty');
    }
    // One message for unknown, revoked and malformed tokens: callers learn nothing about which.
    const record = /\s/.test(presented) ? undefined : tokens.verify(presented);
    if (!record) {
      throw new ScimAuthError('token-invalid', 'Bearer token is invalid or has been revoked');
    }
    c.set('scimToken', record);
  };
}
