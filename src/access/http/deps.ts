import type { IncomingMessage } from 'node:http';
/** What the sign-in and forward-auth routes are built from; main.ts assembles it from Config. */
import type { AuditedWrites, SampledAudit } from '../../persistence/audit.js';
import type { CidrList } from '../../shared/cidr-list.js';
import type { Decider } from '../decision.js';
import type { LinkResult } from '../linking.js';
import type { OidcClient, OidcIdentity } from '../oidc/index.js';
import type { PolicySource } from '../policy-source.js';
import type { SessionStore } from '../sessions/index.js';

export interface AccessRouteDeps {
  /**
   * The provider's side of sign-in. `waitSeconds`, when given, says whether its discovery has
   * succeeded yet (src/access/oidc/provider-connection.ts): while it answers a number, sign-in
   * is refused with 503 and that Retry-After.
   */
  oidc: Pick<OidcClient, 'startLogin' | 'finishLogin'> & { waitSeconds?(): number | undefined };
  /** Bound linkIdentity (directory, link mapping and allowed tenants already applied). */
  link(identity: OidcIdentity): LinkResult;
  sessions: Pick<SessionStore, 'create' | 'revoke'>;
  decider: Decider;
  /** scimgate's public origin; the callback URL handed to the OP is built from it. */
  publicUrl: URL;
  /** Where the OP sends the browser back (config oidc.redirectPath, default /oauth2/callback). */
  callbackPath: string;
  /** Hosts a post-login/post-logout `rd` may point at (config redirects.allowedDomains). */
  allowedRedirectDomains: readonly string[];
  sessionCookie: { name: string; secure: boolean; absoluteTtlSeconds: number; idleTtlSeconds: number };
  loginTtlSeconds: number;
  /** 32 bytes: seals the pending-login cookie (AES-256-GCM). */
  pendingLoginKey: Uint8Array;
  /** The current routes' policies (config routes, replaced on reload) for an original URL and the auth query. */
  policies: PolicySource;
  /** Send X-Auth-Request-Group-Ids on 202 (config forwardAuth.groupIdsHeader). */
  groupIdsHeader?: boolean;
  /** Peers allowed to tell us the original URL (config server.trustedProxies). */
  trustedProxies: CidrList;
  /**
   * The TCP peer's address, from the node request (undefined under `app.request` in tests);
   * default: its socket's. Both forward-auth transports ask this one function.
   */
  remoteAddress?: (incoming: IncomingMessage | undefined) => string | undefined;
  /**
   * The audit log (docs/audit.md): a sign-in's row is written with its session; refused sign-ins
   * and policy denies are sampled (one per key a minute, off the request path). None without it.
   */
  audit?: { writes: AuditedWrites; sampled: SampledAudit } | undefined;
}
