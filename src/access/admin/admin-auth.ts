/**
 * The admin API's bearer check: its own token from config (`admin.token` / `tokenFile` /
 * SCIMGATE_ADMIN_TOKEN), never the SCIM provisioning token, compared in constant time (both sides
 * hashed first, so neither the length nor a prefix leaks through timing). The outcome is a
 * closed union the routes render as RFC 6750 errors: no token or a wrong one → 401; a SCIM
 * provisioning token → 403 insufficient_scope, so a misconfigured client learns why.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type AdminAuthFailure =
  | { status: 401; error: 'unauthorized'; description: string }
  | { status: 401; error: 'invalid_token'; description: string }
  | { status: 403; error: 'insufficient_scope'; description: string };

export type AdminAuthCheck = (authorization: string | undefined) => AdminAuthFailure | undefined;

/** `isScimToken`: whether a bearer value is a live SCIM token (only asked for refused tokens). */
export function adminAuth(token: string, isScimToken: (bearer: string) => boolean): AdminAuthCheck {
  // Validated when built, not per request.
  if (token.length < 32) throw new Error('admin token must be at least 32 characters');
  const expected = digest(token);
  return (authorization) => {
    const match = authorization === undefined ? null : /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(authorization);
    if (!match?.[1]) return { status: 401, error: 'unauthorized', description: 'send the admin token as "Authorization: Bearer <token>"' };
    const bearer = match[1];
    if (timingSafeEqual(digest(bearer), expected)) return undefined;
    if (isScimToken(bearer)) return { status: 403, error: 'insufficient_scope', description: 'a SCIM provisioning token cannot use the admin API; use admin.token' };
    return { status: 401, error: 'invalid_token', description: 'the admin token is not valid' };
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
