// The OIDC relying party's public shapes: what configures it, what a pending login carries between
// /oauth2/start and /oauth2/callback, and what a finished login yields.
import type { JwsAlg } from '../../shared/jws-algs.js';
import type { OidcFailureCode } from './errors.js';

/** How scimgate authenticates to the token endpoint. */
export type ClientAuthConfig =
  | { method: 'client_secret_basic' | 'client_secret_post'; secret: string }
  /** `key` is a PKCS#8 PEM or a private JWK; `alg` defaults to the JWK's alg or RS256. */
  | { method: 'private_key_jwt'; key: string | Record<string, unknown>; alg?: string; kid?: string }
  /** Entra workload identity: the file's JWT is the client_assertion; read at every token request
   *  because the platform rotates it (AZURE_FEDERATED_TOKEN_FILE). */
  | { method: 'federated_token_file'; path: string }
  | { method: 'none' };

export interface OidcClientConfig {
  /** Issuer as configured: `https://<login host>/<tenant>/v2.0`, `/common/v2.0`, or any OP's issuer. */
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthConfig;
  redirectUri: string;
  /** Default `openid profile email`; `openid` is always included. */
  scopes?: string[];
  /** Tenant ids (`tid`) allowed to sign in. Required for multi-tenant (`{tenantid}`) issuers. */
  allowedTenants?: string[];
  /** Named opt-in to talk to an http:// issuer (tests, loopback development). */
  allowInsecureHttpIssuer?: boolean;
  /**
   * The one algorithm ID tokens must be signed with, as registered for this client at the
   * provider (default RS256, what Entra and the OIDC registration default use). One, not a list:
   * a token in any other algorithm is refused, so no alg-confusion is possible.
   */
  idTokenAlg?: JwsAlg;
  /** How long a started login may take to come back (default 600 s). */
  pendingLoginTtlSeconds?: number;
  /** Clock in ms since the epoch (default Date.now); token times are judged by it. */
  now?: () => number;
}

/** What the callback needs to finish a login; the caller stores it server-side or sealed. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** ms since the epoch, by the client's clock; the caller decides how long a pending login lives. */
  createdAt: number;
}

export interface OidcIdentity {
  issuer: string;
  /** Entra tenant id; undefined for providers without tenants. */
  tid: string | undefined;
  /** Entra object id, the immutable key for linking; undefined for providers without it. */
  oid: string | undefined;
  sub: string;
  email?: string;
  preferredUsername?: string;
  name?: string;
  /** Every ID token claim, for configurable linking. */
  claims: Record<string, unknown>;
}

export type LoginResult =
  | { ok: true; identity: OidcIdentity }
  | { ok: false; code: OidcFailureCode; reason: string };

export interface OidcClient {
  /** `issuer` as discovered: exact issuer, or the `{tenantid}` template in multi-tenant mode. */
  readonly issuer: string;
  readonly multiTenant: boolean;
  startLogin(input: { returnTo: string }): Promise<{ authorizationUrl: string; pending: PendingLogin }>;
  finishLogin(callbackUrl: string | URL, pending: PendingLogin): Promise<LoginResult>;
}
