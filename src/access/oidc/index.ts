// OIDC relying party for scimgate's sign-in: the only module that imports openid-client.
export { createOidcClient } from './create-client.js';
export { OidcConfigError, OIDC_FAILURE_CODES } from './errors.js';
export type { OidcFailureCode } from './errors.js';
export type { ClientAuthConfig, LoginResult, OidcClient, OidcClientConfig, OidcIdentity, PendingLogin } from './types.js';
export { connectProvider, DEFAULT_RETRY, retryDelayMs, type ProviderConnection, type RetryPolicy, type ConnectionEvents } from './provider-connection.js';
export { failureCause, type FailureCause, type FailureKind } from './failure-cause.js';
