// Checks scimgate adds on top of openid-client's ID token validation (signature, iss, aud, exp,
// nonce, PKCE, state): pending-login age and the tenant rules. Each returns a failure or undefined.
import { loginFailure } from './errors.js';
import type { LoginFailure } from './errors.js';
import { TENANT_PLACEHOLDER } from './discovery.js';
import type { PendingLogin } from './types.js';

// Tenant ids end up inside an issuer URL; anything but a plain id token is refused outright.
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A pending login is only good for a while: a stale one (an old tab, a replayed cookie) is refused. */
export function checkPendingAge(pending: PendingLogin, now: number, ttlMs: number): LoginFailure | undefined {
  const age = now - pending.createdAt;
  if (!Number.isFinite(age) || age < 0 || age > ttlMs) return loginFailure('login_expired', `pending login is ${Math.round(age / 1000)} s old`);
  return undefined;
}

/** The token's `tid` must be on the allow-list (when one is configured). */
export function checkTenantAllowed(claims: Record<string, unknown>, allowedTenants: readonly string[] | undefined): LoginFailure | undefined {
  if (allowedTenants === undefined) return undefined;
  const tid = claims['tid'];
  if (typeof tid !== 'string') return loginFailure('tenant_not_allowed', 'ID token has no tid claim');
  if (!allowedTenants.includes(tid)) return loginFailure('tenant_not_allowed', `tenant ${tid} is not in allowedTenants`);
  return undefined;
}

/** Multi-tenant: `iss` must be the discovery template with the token's own `tid` in it. */
export function checkTenantIssuer(claims: Record<string, unknown>, template: string): LoginFailure | undefined {
  const expected = tenantIssuer(template, claims['tid']);
  if (expected === undefined) return loginFailure('tenant_issuer_mismatch', 'ID token has no usable tid claim');
  if (claims['iss'] !== expected) {
    return loginFailure('tenant_issuer_mismatch', `ID token iss ${String(claims['iss'])} is not ${expected} for its tid`);
  }
  return undefined;
}

/** The issuer a tenant's tokens must carry, or undefined for a missing or malformed tid. */
export function tenantIssuer(template: string, tid: unknown): string | undefined {
  if (typeof tid !== 'string' || !TENANT_ID.test(tid)) return undefined;
  return template.replace(TENANT_PLACEHOLDER, tid);
}

/** Multi-tenant: an RFC 9207 `iss` authorization response parameter must fit the template. */
export function checkResponseIssuer(callbackUrl: URL, template: string): LoginFailure | undefined {
  const iss = callbackUrl.searchParams.get('iss');
  if (iss === null) return undefined;
  const [before = '', after = ''] = template.split(TENANT_PLACEHOLDER);
  const tid = iss.startsWith(before) && iss.endsWith(after) ? iss.slice(before.length, iss.length - after.length) : undefined;
  if (tenantIssuer(template, tid) === iss) return undefined;
  return loginFailure('tenant_issuer_mismatch', `authorization response iss ${iss} does not fit ${template}`);
}
