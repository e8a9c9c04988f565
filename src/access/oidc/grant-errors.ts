// Translates openid-client's failures during the code exchange into our stable failure codes.
// openid-client wraps the protocol error (message + claim details) as `cause`; we read both.
import * as client from 'openid-client';
import { loginFailure } from './errors.js';
import type { LoginFailure } from './errors.js';

interface Inner {
  message?: string;
  cause?: { claim?: string };
}

export function grantFailure(error: unknown, multiTenant: boolean): LoginFailure {
  if (error instanceof client.AuthorizationResponseError) {
    const reason = `provider refused the authorization: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
    return loginFailure(error.error === 'access_denied' ? 'access_denied' : 'provider_error', reason);
  }
  if (error instanceof client.ResponseBodyError) {
    const reason = `token endpoint: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
    // The PKCE verifier only reaches the OP, so its verdict is an invalid_grant naming it.
    const pkce = error.error === 'invalid_grant' && /pkce|code[_ ]verifier/i.test(error.error_description ?? '');
    return loginFailure(pkce ? 'pkce_failed' : 'provider_error', reason);
  }
  if (!(error instanceof client.ClientError)) {
    return loginFailure('provider_error', `sign-in failed: ${describe(error)}`);
  }
  const inner = (error.cause ?? {}) as Inner;
  const message = inner.message ?? error.message;
  const claim = inner.cause?.claim;
  switch (error.code) {
    case 'OAUTH_INVALID_RESPONSE':
      if (/"state"/.test(message)) return loginFailure('state_mismatch', `callback: ${message}`);
      if (/"iss"/.test(message)) return loginFailure(multiTenant ? 'tenant_issuer_mismatch' : 'issuer_mismatch', `callback: ${message}`);
      if (/signature/i.test(message)) return loginFailure('bad_signature', `ID token: ${message}`);
      if (/"alg"/.test(message)) return loginFailure('unsupported_algorithm', `ID token: ${message}`);
      return loginFailure('invalid_id_token', `response: ${message}`);
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      if (claim === 'iss') return loginFailure(multiTenant ? 'tenant_issuer_mismatch' : 'issuer_mismatch', `ID token: ${message}`);
      if (claim === 'aud' || claim === 'azp') return loginFailure('audience_mismatch', `ID token: ${message}`);
      if (claim === 'nonce') return loginFailure('nonce_mismatch', `ID token: ${message}`);
      return loginFailure('invalid_id_token', `ID token: ${message}`);
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return loginFailure(claim === 'exp' ? 'token_expired' : 'invalid_id_token', `ID token: ${message}`);
    case 'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'OAUTH_KEY_SELECTION_FAILED':
      return loginFailure('bad_signature', `ID token: ${message}`);
    case 'OAUTH_UNSUPPORTED_OPERATION':
      return loginFailure('unsupported_algorithm', `ID token: ${message}`);
    case 'OAUTH_TIMEOUT':
      return loginFailure('provider_unreachable', `token endpoint: ${message}`);
    default:
      return loginFailure('provider_error', `sign-in failed: ${error.code ?? ''} ${message}`.trim());
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
