/**
 * The forward-auth decision, knowing nothing of HTTP: session secret → live session → active
 * directory user → effective groups → the route's allowed groups. Every decision reads the
 * live directory (or a cache entry that is only valid while the directory is unchanged), so a
 * SCIM deactivation or group removal flips the very next decision. Reasons are stable strings
 * in pomerium's style; src/access/http/decision-response.ts is the one place that turns an
 * outcome into 202/401/403.
 */
import type { EffectiveGroup, UserStore } from '../directory/index.js';
import { createDecisionCache, type DecisionCache } from './decision-cache.js';
import {
  evaluatePolicy,
  prepareUserFacts,
  primaryEmailOf,
  type CompiledPolicy,
  type GroupKeys,
  type PolicyFacts,
  type PolicyReason,
  type PolicyVerdict,
  type RequestFacts,
  type SessionFacts,
  type UserFacts,
} from './policy/index.js';
import type { SessionStore } from './sessions/index.js';

export type DecisionOutcome = 'allow' | 'unauthenticated' | 'unauthorized';

export type DecisionReason =
  | 'user-unauthenticated' // no session cookie (and the route is not public)
  | 'user-inactive' // unknown, expired or revoked session, or its user is gone or deactivated
  | 'policy-invalid' // the proxy asked with a malformed allowed_groups/_emails/_email_domains: deny rather than guess
  | 'original-url-invalid' // a trusted proxy's original-URL headers were unusable: deny rather than guess
  | 'path-ambiguous' // the original path has control characters, bad UTF-8 or endless escapes: no route can be trusted
  | PolicyReason; // no-policy, allow-matched, deny-matched, allow-unmatched, groups-unauthorized, …

/** Who the session belongs to, as the directory says right now. */
export interface AccessIdentity {
  userId: string;
  userName: string;
  displayName: string | null;
  email: string | undefined;
  /** Effective (direct and nested) groups. */
  groups: EffectiveGroup[];
  /** The names those groups answer to, for policy checks (built with the identity, cached with it). */
  groupKeys: GroupKeys;
  /** Everything a policy reads about the user (document, e-mails, groups), built once per identity. */
  facts: UserFacts;
  /** The session: when it began and the ID-token claims it kept. */
  session: SessionFacts;
}

export interface Decision {
  outcome: DecisionOutcome;
  reasons: readonly DecisionReason[];
  /** Present when the session resolved to an active user (allow and unauthorized). */
  identity?: AccessIdentity;
  /** The policy's verdict, when the policy was evaluated (its `explain` when asked for). */
  verdict?: PolicyVerdict;
  /** The facts it was evaluated on, so a caller can explain a deny after the fact (explainPolicy). */
  facts?: PolicyFacts;
}

export interface DecisionRequestFacts {
  /** Upper-case original method, when a trusted proxy said. */
  method?: string | undefined;
  /**
   * The normalized original path, then any other reading an upstream could give it (an ambiguous
   * path): a policy that reads http_path must allow under every reading.
   */
  paths?: readonly string[] | undefined;
  /** The client's address (forwarded.ts clientAddress). */
  ip?: string | undefined;
}

export interface DecisionRequest {
  /** The session cookie's value, if any. */
  secret: string | undefined;
  /** The route's compiled policy (src/access/policy). */
  policy: CompiledPolicy;
  /** The original request's facts (time is the decider's clock). */
  request?: DecisionRequestFacts;
  /** Build the evaluated tree (for logging why, or an explain endpoint). */
  explain?: boolean;
}

/** What a decision reads; each part is one indexed lookup. */
export interface DecisionDeps {
  /** Validates revocation and expiry (and touches the idle clock). */
  sessions: Pick<SessionStore, 'lookup'>;
  users: Pick<UserStore, 'get'>;
  effectiveGroups(userId: string): EffectiveGroup[];
  /** Directory generation (src/access/decision-generation.ts); without it nothing is cached. */
  generation?: () => number;
  now?: () => number;
  cache?: { maxAgeMs?: number; maxEntries?: number; maxBytes?: number };
}

export interface Decider {
  decide(request: DecisionRequest): Decision;
  /** The identity behind a session secret (userinfo), or undefined. */
  identify(secret: string | undefined): AccessIdentity | undefined;
  /** Drop the cached identity of a session (sign-out, or any revocation outside the directory). */
  forget(secret: string): void;
}

const UNAUTHENTICATED: readonly DecisionReason[] = Object.freeze(['user-unauthenticated']);
const INACTIVE: readonly DecisionReason[] = Object.freeze(['user-inactive']);
const NO_CLAIMS: Readonly<Record<string, unknown>> = Object.freeze({});

export function createDecider(deps: DecisionDeps): Decider {
  const now = deps.now ?? Date.now;
  const cache: DecisionCache<AccessIdentity> | undefined = deps.generation
    ? createDecisionCache<AccessIdentity>({ generation: deps.generation, now, sizeOf: identityBytes, ...deps.cache })
    : undefined;

  function identify(secret: string | undefined): AccessIdentity | undefined {
    if (!secret) return undefined;
    const cached = cache?.get(secret);
    if (cached) return cached;
    // Read the generation before the database: a change landing after this read makes the
    // entry stale instead of letting old data pass as new.
    const generation = deps.generation?.();
    const session = deps.sessions.lookup(secret);
    if (!session) return undefined;
    const user = deps.users.get(session.userId);
    if (!user || !user.active) return undefined;
    const groups = deps.effectiveGroups(user.id);
    // Policy facts are built here, once per identity, and live exactly as long as it is cached:
    // a SCIM change bumps the generation, so the next decision reads the new document.
    const facts = prepareUserFacts(user, groups);
    const identity: AccessIdentity = {
      userId: user.id,
      userName: user.userName,
      displayName: user.displayName,
      email: primaryEmail(user.doc),
      groups,
      groupKeys: facts.groupKeys,
      facts,
      session: { createdAt: session.createdAt.getTime(), claims: session.claims ?? NO_CLAIMS },
    };
    if (cache && generation !== undefined) {
      cache.set(secret, identity, generation, Math.min(session.expiresAt.getTime(), session.idleExpiresAt.getTime()));
    }
    return identity;
  }

  return {
    identify,
    forget: (secret) => cache?.delete(secret),
    decide({ secret, policy, request, explain }) {
      const identity = identify(secret);
      const options = explain ? { explain } : {};
      const paths = request?.paths;
      const asked: RequestFacts = { method: request?.method, path: paths?.[0], ip: request?.ip, now: now() };
      // Every reading of an ambiguous path must be allowed when the policy looks at the path.
      const evaluate = (facts: PolicyFacts): { verdict: PolicyVerdict; facts: PolicyFacts } => {
        const verdict = evaluatePolicy(policy, facts, options);
        if (verdict.allow && policy.readsPath && paths && paths.length > 1) {
          for (const path of paths.slice(1)) {
            const other: PolicyFacts = { ...facts, request: { ...facts.request, path } };
            const otherVerdict = evaluatePolicy(policy, other, options);
            if (!otherVerdict.allow) return { verdict: otherVerdict, facts: other };
          }
        }
        return { verdict, facts };
      };
      if (!identity) {
        // Only a policy with `public` in an allow rule is evaluated without a signed-in user.
        if (policy.allowsAnonymous) {
          const { verdict, facts } = evaluate({ request: asked });
          if (verdict.allow) return { outcome: 'allow', reasons: verdict.reasons, verdict, facts };
        }
        return { outcome: 'unauthenticated', reasons: secret ? INACTIVE : UNAUTHENTICATED };
      }
      const { verdict, facts } = evaluate({ user: identity.facts, session: identity.session, request: asked });
      // A deny a fresh sign-in would lift (session_age / auth_age) is a 401: the proxy sends the user to sign in.
      const outcome: DecisionOutcome = verdict.allow ? 'allow' : verdict.reauthenticate ? 'unauthenticated' : 'unauthorized';
      return { outcome, reasons: verdict.reasons, identity, verdict, facts };
    },
  };
}

/**
 * What a cached identity holds, estimated for the decision cache's byte bound: every character at
 * two bytes, and per group its object, its name lower-cased once more and its three set entries;
 * then the policy facts: the SCIM document (as its JSON), the groups' names once more for the
 * string matchers, the kept claims, and room for the memoized answers of document criteria.
 */
export function identityBytes(identity: AccessIdentity): number {
  const text = (value: string | null | undefined) => 2 * (value?.length ?? 0);
  let bytes = 160 + text(identity.userId) + text(identity.userName) + text(identity.displayName) + text(identity.email);
  for (const group of identity.groups) bytes += 160 + text(group.id) + 2 * text(group.displayName) + 2 * text(group.externalId);
  bytes += 1024 + 2 * jsonLength(identity.facts.doc) + 2 * jsonLength(identity.session.claims);
  for (const group of identity.groups) bytes += 48 + text(group.id) + text(group.displayName) + text(group.externalId);
  return bytes;
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** SCIM `emails`: the primary one, else the first. */
export const primaryEmail = primaryEmailOf;
