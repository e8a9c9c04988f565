// Finishes a login at the callback: code exchange and ID token validation by openid-client, then
// the tenant checks. Multi-tenant issuers need one extra step, because openid-client compares `iss`
// with one fixed issuer: the token response is captured, the (unverified) `tid` picks the expected
// issuer, and the same response is replayed into a configuration bound to that exact issuer, where
// every check — signature included — runs as in single-tenant mode.
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { checkPendingAge, checkResponseIssuer, checkTenantAllowed, checkTenantIssuer, tenantIssuer } from './callback-checks.js';
import { loginFailure } from './errors.js';
import { grantFailure } from './grant-errors.js';
import type { LoginResult, OidcIdentity, PendingLogin } from './types.js';

export interface FinishContext {
  /** Builds a Configuration for the given issuer (the discovered one, or a tenant's). */
  configure(issuer: string, options?: { replay?: Response; capture?: (response: Response) => void }): client.Configuration;
  discoveredIssuer: string;
  multiTenant: boolean;
  allowedTenants: readonly string[] | undefined;
  pendingLoginTtlMs: number;
  now: () => number;
}

class Captured extends Error {}

export async function finishLogin(ctx: FinishContext, callback: string | URL, pending: PendingLogin): Promise<LoginResult> {
  const callbackUrl = URL.canParse(String(callback)) ? new URL(callback) : undefined;
  if (!callbackUrl) return loginFailure('invalid_callback', 'callback URL cannot be parsed');
  const expired = checkPendingAge(pending, ctx.now(), ctx.pendingLoginTtlMs);
  if (expired) return expired;
  const checks = {
    pkceCodeVerifier: pending.codeVerifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
    idTokenExpected: true,
  };
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    if (!ctx.multiTenant) {
      tokens = await client.authorizationCodeGrant(ctx.configure(ctx.discoveredIssuer), callbackUrl, checks);
    } else {
      const captured = await captureTokenResponse(ctx, callbackUrl, checks);
      if (!captured.ok) return captured.failure;
      const replayConfig = ctx.configure(captured.issuer, { replay: captured.response });
      tokens = await client.authorizationCodeGrant(replayConfig, callbackUrl, checks);
    }
  } catch (error) {
    return grantFailure(error, ctx.multiTenant);
  }
  const claims = tokens.claims();
  if (!claims) return loginFailure('invalid_id_token', 'token response has no ID token');
  const record = claims as Record<string, unknown>;
  const failed =
    (ctx.multiTenant ? checkTenantIssuer(record, ctx.discoveredIssuer) : undefined) ??
    checkTenantAllowed(record, ctx.allowedTenants);
  if (failed) return failed;
  return { ok: true, identity: toIdentity(record) };
}

type Capture = { ok: true; issuer: string; response: Response } | { ok: false; failure: ReturnType<typeof loginFailure> };

async function captureTokenResponse(
  ctx: FinishContext,
  callbackUrl: URL,
  checks: client.AuthorizationCodeGrantChecks & { pkceCodeVerifier: string },
): Promise<Capture> {
  const badIss = checkResponseIssuer(callbackUrl, ctx.discoveredIssuer);
  if (badIss) return { ok: false, failure: badIss };
  // A provider that names its issuer in the callback (RFC 9207) is probed with that issuer; the
  // replay then demands that the ID token's tid leads to the very same one.
  const probeIssuer = callbackUrl.searchParams.get('iss') ?? ctx.discoveredIssuer;
  let response: Response | undefined;
  const probe = ctx.configure(probeIssuer, {
    capture: (r) => {
      response = r;
      throw new Captured();
    },
  });
  try {
    await client.authorizationCodeGrant(probe, callbackUrl, checks);
  } catch (error) {
    // Anything but our own stop (state mismatch, OP error, network) is the real outcome.
    if (!response) return { ok: false, failure: grantFailure(error, true) };
  }
  if (!response) return { ok: false, failure: loginFailure('provider_error', 'no token response') };
  const body = (await response.clone().json().catch(() => ({}))) as { id_token?: unknown };
  let tid: unknown;
  try {
    tid = typeof body.id_token === 'string' ? decodeJwt(body.id_token)['tid'] : undefined;
  } catch {
    return { ok: false, failure: loginFailure('invalid_id_token', 'ID token is not a JWT') };
  }
  const issuer = tenantIssuer(ctx.discoveredIssuer, tid);
  if (!issuer) return { ok: false, failure: loginFailure('tenant_issuer_mismatch', 'ID token has no usable tid claim') };
  return { ok: true, issuer, response };
}

function toIdentity(claims: Record<string, unknown>): OidcIdentity {
  const text = (name: string): string | undefined => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
  return {
    issuer: text('iss') ?? '',
    tid: text('tid'),
    oid: text('oid'),
    sub: text('sub') ?? '',
    ...(text('email') !== undefined ? { email: text('email') } : {}),
    ...(text('preferred_username') !== undefined ? { preferredUsername: text('preferred_username') } : {}),
    ...(text('name') !== undefined ? { name: text('name') } : {}),
    claims,
  };
}
