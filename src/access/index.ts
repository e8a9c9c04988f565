/**
 * The access layer's front door: everything main.ts (and tests) need to turn a Config plus the
 * store, directory and session parts into the /oauth2 routes. The parts stay separately
 * importable; this file only wires them.
 */
import type { Config, OidcConfig } from '../config/index.js';
import { createUserLookup, type Directory } from '../directory/index.js';
import type { Store } from '../store/index.js';
import { createDecider, type Decider } from './decision.js';
import type { DirectoryGeneration } from './decision-generation.js';
import type { AccessRouteDeps } from './http/index.js';
import { createPolicySource, type ReplaceablePolicySource } from './policy-source.js';
import { linkIdentity } from './linking.js';
import type { OidcClientConfig } from './oidc/index.js';
import type { SessionStore } from './sessions/index.js';

export { accessRoutes, type AccessHttp, type AccessRouteDeps, type NodeFastPath } from './http/index.js';
export { linkIdentity, type LinkResult } from './linking.js';
export { createDecider, primaryEmail, type AccessIdentity, type Decider, type Decision, type DecisionReason } from './decision.js';
export { createDecisionCache, type DecisionCache } from './decision-cache.js';
export { explainAccess, explainWith, findUser, formatExplanation, type ExplainDeps, type ExplainUser, type ExplainQuery, type Explanation, type ExplainNode } from './explain.js';
export { parsePolicyTests, runPolicyTests, type CaseOutcome, type PolicyTestDeps, type PolicyTestFile } from './policy-test.js';
export { reviewUrl, reviewUserRoutes, type Reach, type ReviewDeps, type ReviewEntry, type ReviewError, type RouteReach, type UrlReview } from './access-review.js';
export { createPolicySource, type PolicySnapshot, type PolicySource, type ReplaceablePolicySource } from './policy-source.js';
export { createDirectoryGeneration, type DirectoryGeneration } from './decision-generation.js';

/** Config's oidc section → the OIDC client's settings. */
export function oidcClientConfig(oidc: OidcConfig, loginTtlSeconds: number): OidcClientConfig {
  return {
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientAuth: oidc.clientAuth,
    redirectUri: oidc.redirectUri,
    scopes: oidc.scopes,
    ...(oidc.allowedTenants.length > 0 ? { allowedTenants: oidc.allowedTenants } : {}),
    allowInsecureHttpIssuer: oidc.allowInsecureHttpIssuer,
    idTokenAlg: oidc.idTokenAlg,
    pendingLoginTtlSeconds: loginTtlSeconds,
  };
}

export interface AccessParts {
  config: Config & { oidc: OidcConfig };
  oidc: AccessRouteDeps['oidc'];
  store: Store;
  directory: Directory;
  sessions: SessionStore;
  /** Without it, decisions are not cached (every one reads the database). */
  generation?: Pick<DirectoryGeneration, 'current'> | undefined;
  /** 32 bytes for sealing pending logins. */
  pendingLoginKey: Uint8Array;
  now?: () => number;
  /** Decision cache bound (default 5 s; 0 disables caching). */
  cacheMaxAgeMs?: number;
  remoteAddress?: AccessRouteDeps['remoteAddress'];
  /** The routes' policies, replaceable on reload; built from config.routes when absent. */
  policies?: ReplaceablePolicySource;
}

export function buildAccess(parts: AccessParts): { routes: AccessRouteDeps; decider: Decider; policies: ReplaceablePolicySource } {
  const { config, directory } = parts;
  const policies = parts.policies ?? createPolicySource(config.routes);
  const generation = parts.generation;
  const decider = createDecider({
    sessions: parts.sessions,
    users: directory.users,
    effectiveGroups: (userId) => directory.effective.effectiveGroups(userId),
    ...(generation ? { generation: () => generation.current() } : {}),
    ...(parts.now ? { now: parts.now } : {}),
    ...(parts.cacheMaxAgeMs !== undefined ? { cache: { maxAgeMs: parts.cacheMaxAgeMs } } : {}),
  });
  const linkOptions = { directory: createUserLookup(parts.store), link: config.oidc.link, allowedTenants: config.oidc.allowedTenants };
  const routes: AccessRouteDeps = {
    oidc: parts.oidc,
    link: (identity) => linkIdentity(identity, linkOptions),
    sessions: parts.sessions,
    decider,
    publicUrl: config.server.publicUrl,
    callbackPath: config.oidc.redirectPath,
    allowedRedirectDomains: config.redirects.allowedDomains,
    sessionCookie: {
      name: config.sessions.cookieName,
      secure: config.sessions.cookieSecure,
      absoluteTtlSeconds: config.sessions.absoluteTtlSeconds,
      idleTtlSeconds: config.sessions.idleTtlSeconds,
    },
    loginTtlSeconds: config.sessions.loginTtlSeconds,
    pendingLoginKey: parts.pendingLoginKey,
    policies,
    trustedProxies: config.server.trustedProxies,
    groupIdsHeader: config.forwardAuth.groupIdsHeader,
    ...(parts.remoteAddress ? { remoteAddress: parts.remoteAddress } : {}),
  };
  return { routes, decider, policies };
}
