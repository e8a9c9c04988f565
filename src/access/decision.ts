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
import { evaluatePolicy, groupKeys, type GroupKeys, type PolicyReason, type RoutePolicy } from './policy/index.js';
import type { SessionStore } from './sessions/index.js';

export type DecisionOutcome = 'allow' | 'unauthenticated' | 'unauthorized';

export type DecisionReason =
  | 'user-unauthenticated' // no session cookie
  | 'user-inactive' // unknown, expired or revoked session, or its user is gone or deactivated
  | 'policy-invalid' // the proxy asked with a malformed allowed_groups: deny rather than guess
  | 'original-url-invalid' // a trusted proxy's original-URL headers were unusable: deny rather than guess
  | 'path-ambiguous' // the original path has control characters, bad UTF-8 or endless escapes: no route can be trusted
  | PolicyReason; // no-policy, allowed-groups-matched, groups-unauthorized

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
}

export interface Decision {
  outcome: DecisionOutcome;
  reasons: DecisionReason[];
  /** Present when the session resolved to an active user (allow and unauthorized). */
  identity?: AccessIdentity;
}

export interface DecisionRequest {
  /** The session cookie's value, if any. */
  secret: string | undefined;
  /** The route's policy (src/access/policy); no criteria: any signed-in, active user. */
  policy: RoutePolicy;
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
    const identity: AccessIdentity = {
      userId: user.id,
      userName: user.userName,
      displayName: user.displayName,
      email: primaryEmail(user.doc),
      groups,
      groupKeys: groupKeys(groups),
    };
    if (cache && generation !== undefined) {
      cache.set(secret, identity, generation, Math.min(session.expiresAt.getTime(), session.idleExpiresAt.getTime()));
    }
    return identity;
  }

  return {
    identify,
    forget: (secret) => cache?.delete(secret),
    decide(request) {
      const identity = identify(request.secret);
      if (!identity) {
        return { outcome: 'unauthenticated', reasons: [request.secret ? 'user-inactive' : 'user-unauthenticated'] };
      }
      // The identity exists only for an active user; the evaluator still checks, deny-first.
      const verdict = evaluatePolicy(request.policy, { user: { id: identity.userId, active: true }, groups: identity.groups, groupKeys: identity.groupKeys });
      return { outcome: verdict.allow ? 'allow' : 'unauthorized', reasons: verdict.reasons, identity };
    },
  };
}

/**
 * What a cached identity holds, estimated for the decision cache's byte bound: every character at
 * two bytes, and per group its object, its name lower-cased once more and its three set entries.
 */
export function identityBytes(identity: AccessIdentity): number {
  const text = (value: string | null | undefined) => 2 * (value?.length ?? 0);
  let bytes = 160 + text(identity.userId) + text(identity.userName) + text(identity.displayName) + text(identity.email);
  for (const group of identity.groups) bytes += 160 + text(group.id) + 2 * text(group.displayName) + 2 * text(group.externalId);
  return bytes;
}

/** SCIM `emails`: the primary one, else the first. */
export function primaryEmail(doc: Record<string, unknown>): string | undefined {
  const emails = doc.emails;
  if (!Array.isArray(emails)) return undefined;
  const values = emails.filter((e): e is { value: string; primary?: unknown } => typeof e === 'object' && e !== null && typeof (e as { value?: unknown }).value === 'string');
  return (values.find((e) => e.primary === true) ?? values[0])?.value;
}
