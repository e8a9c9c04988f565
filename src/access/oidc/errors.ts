// Stable failure codes for sign-in. Callers log `reason` and branch on `code`; tests assert the
// code. Configuration and discovery problems throw OidcConfigError at startup instead.

export const OIDC_FAILURE_CODES = [
  'invalid_callback',
  'login_expired',
  'state_mismatch',
  'nonce_mismatch',
  'pkce_failed',
  'issuer_mismatch',
  'tenant_not_allowed',
  'tenant_issuer_mismatch',
  'token_expired',
  'audience_mismatch',
  'bad_signature',
  'unsupported_algorithm',
  'invalid_id_token',
  'access_denied',
  'provider_error',
  'provider_unreachable',
] as const;

export type OidcFailureCode = (typeof OIDC_FAILURE_CODES)[number];

export interface LoginFailure {
  ok: false;
  code: OidcFailureCode;
  reason: string;
}

export const loginFailure = (code: OidcFailureCode, reason: string): LoginFailure => ({ ok: false, code, reason });

/** Thrown by createOidcClient when the configuration or the provider's metadata is unusable. */
export class OidcConfigError extends Error {
  override readonly name = 'OidcConfigError';
  constructor(
    readonly code: 'invalid_config' | 'discovery_failed' | 'discovery_issuer_mismatch',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
