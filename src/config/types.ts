/**
 * The validated, resolved configuration every other module receives. Plain data except for the
 * parsed `publicUrl` and `trustedProxies`, which are built once at boot. Durations are seconds.
 */
import type { CompiledPolicy } from '../policy/compile.js';
import type { CidrList } from '../shared/cidr-list.js';
import type { JwsAlg } from '../shared/jws-algs.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** How scimgate authenticates at the token endpoint; mirrors access/oidc ClientAuthConfig. */
export type OidcClientAuth =
  | { method: 'client_secret_basic' | 'client_secret_post'; secret: string }
  /** `key` is a PKCS#8 PEM string or a private JWK object, read from `privateKeyJwt.keyFile`. */
  | { method: 'private_key_jwt'; key: string | Record<string, unknown>; alg: string; kid?: string }
  /** The path, not the token: the platform rotates the file, so it is re-read per token request. */
  | { method: 'federated_token_file'; path: string };

export interface OidcConfig {
  issuer: string;
  /** Entra `/common` or `/organizations` issuer: tokens' `iss` follows the per-tenant template. */
  multiTenant: boolean;
  clientId: string;
  clientAuth: OidcClientAuth;
  scopes: string[];
  redirectPath: string;
  /** `publicUrl` + `redirectPath`: register this at the provider. */
  redirectUri: string;
  /** True when the issuer is http:// (loopback, or non-loopback by the named opt-in). */
  allowInsecureHttpIssuer: boolean;
  /** The only algorithm accepted on ID tokens. */
  idTokenAlg: JwsAlg;
  /** Tenant ids allowed to sign in; required (non-empty) when `multiTenant`. */
  allowedTenants: string[];
  link: {
    /** ID-token claim with the immutable user id (Entra: `oid`). */
    claim: string;
    /** Directory attribute it is matched against (default SCIM `externalId`). */
    attribute: string;
    /** ID-token claim with the tenant id, or null for providers without tenants. */
    tenantClaim: string | null;
  };
}

export interface RouteConfig {
  /** Lower-case host; undefined matches every host. */
  host: string | undefined;
  pathPrefix: string;
  /** Upper-case HTTP methods the route is limited to; undefined: every method. */
  methods?: string[] | undefined;
  /** Compare the path prefix case-sensitively (default false: `/ADMIN` falls under `/admin`). */
  caseSensitive?: boolean;
  /** Group ids, externalIds or displayNames; any one (effective membership) allows. Empty: none given. */
  allowedGroups: string[];
  /** The route's policy (its `policy:` and `allowedGroups`), compiled at load. */
  policy: CompiledPolicy;
}

/** A webhook subscriber (issue 14, docs/hooks.md), secrets read and checked. Durations in ms. */
export interface WebhookConfig {
  name: string;
  url: string;
  /** Event types sent; undefined: every type. */
  events: readonly string[] | undefined;
  /** 1 or 2 `whsec_…` secrets; every one signs every message (rotation). */
  secrets: readonly string[];
  timeoutMs: number;
  maxAgeMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface HooksConfig {
  pollIntervalMs: number;
  retentionMs: number;
  webhooks: readonly WebhookConfig[];
}

export interface Config {
  server: {
    host: string;
    port: number;
    /** Origin only (no path). */
    publicUrl: URL;
    trustedProxies: CidrList;
    /** Milliseconds: request line and headers, the whole request (body included), an idle keep-alive connection. */
    timeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  };
  database: { path: string };
  scim: {
    /** Bootstrap provisioning token from config/env, if any. */
    token: string | undefined;
    maxResults: number;
    maxPayloadBytes: number;
    /** Memory for remembered SCIM read answers, in MiB; 0 turns them off. */
    readCacheMb: number;
    /** Each token's share: requests per second (0 = no limit) and burst; 429 beyond it. */
    rateLimit: { requestsPerSecond: number; burst: number };
  };
  /** Undefined when sign-in is not configured (SCIM-only deployment). */
  oidc: OidcConfig | undefined;
  sessions: {
    cookieName: string;
    /** True when publicUrl is https: `Secure` cookies and the `__Host-` prefix. */
    cookieSecure: boolean;
    absoluteTtlSeconds: number;
    idleTtlSeconds: number;
    loginTtlSeconds: number;
  };
  redirects: { allowedDomains: string[] };
  routes: RouteConfig[];
  forwardAuth: { groupIdsHeader: boolean };
  /** The admin API's own bearer token (never the SCIM token); undefined: no admin API. */
  admin: { token: string | undefined };
  /** The audit log (docs/audit.md): rows older than retentionSeconds are pruned; undefined keeps them. */
  audit: { retentionSeconds: number | undefined };
  /** The Shared Signals transmitter (src/ssf/); durations in seconds, the push timeout in ms. */
  ssf: {
    enabled: boolean;
    defaultSubjects: 'ALL' | 'NONE';
    keyRotationSeconds: number;
    keyOverlapSeconds: number;
    pushTimeoutMs: number;
    allowInsecurePush: boolean;
  };
  /** Session revocation hooks: the delivery worker and the webhooks it delivers to. */
  hooks: HooksConfig;
  logging: { level: LogLevel };
}
