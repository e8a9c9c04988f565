/**
 * Evaluates a compiled policy against facts. Pure and total: no I/O, no throws; the caller read
 * the facts (live directory user, effective groups, session, request) and maps the verdict to
 * HTTP. Order, deny-first:
 *   1. a deactivated user is denied before anything else is looked at;
 *   2. without a user, only a policy with `public` in an allow rule is evaluated at all;
 *   3. any matching deny rule denies (deny wins);
 *   4. every requirement (allowedGroups, oauth2-proxy query parameters) must hold;
 *   5. some allow rule must match.
 * A deny that a fresh sign-in would turn into an allow (session_age / auth_age) says so, and the
 * caller answers 401 instead of 403. `explain` (the whole tree, every criterion evaluated) is
 * built only when asked for: it allocates, and the hot path must not.
 * Two-valued: every fact is known, a missing one is false (fail-closed). With facts that are not
 * known (explain, access review, policy tests) see evaluate-partial.ts.
 */
import type { CompiledPolicy, PolicyNode } from './compile.js';
import type { ExplainNode, PolicyFacts, PolicyReason, PolicyVerdict, Tri } from './types.js';
import type { UnknownFacts } from './unknown-facts.js';

export interface EvaluateOptions {
  /** Build the evaluated tree (deny-why / allow-why). */
  explain?: boolean;
}

/**
 * A session younger than this is as fresh as a sign-in gets: a deny is never turned into
 * "sign in again" for it, so a provider that keeps an old `auth_time` cannot make a redirect loop.
 */
export const FRESH_SESSION_MS = 60_000;

// Shared, frozen reason lists: a decision allocates none.
const R = (reason: PolicyReason): readonly PolicyReason[] => Object.freeze([reason]);
export const REASONS = {
  'no-policy': R('no-policy'),
  'allow-matched': R('allow-matched'),
  'public-access': R('public-access'),
  'deny-matched': R('deny-matched'),
  'allow-unmatched': R('allow-unmatched'),
  'groups-unauthorized': R('groups-unauthorized'),
  'email-unauthorized': R('email-unauthorized'),
  'domain-unauthorized': R('domain-unauthorized'),
  'user-unauthenticated': R('user-unauthenticated'),
  'user-inactive': R('user-inactive'),
  'reauthentication-required': R('reauthentication-required'),
} satisfies Record<PolicyReason, readonly PolicyReason[]>;

function anyTrue(nodes: readonly PolicyNode[], facts: PolicyFacts): boolean {
  for (const node of nodes) if (node.test(facts)) return true;
  return false;
}

interface Outcome {
  allow: boolean;
  reason: PolicyReason;
}

function decide(policy: CompiledPolicy, facts: PolicyFacts): Outcome {
  const user = facts.user;
  if (user && !user.active) return { allow: false, reason: 'user-inactive' };
  if (!user && !policy.allowsAnonymous) return { allow: false, reason: 'user-unauthenticated' };
  if (anyTrue(policy.deny, facts)) return { allow: false, reason: 'deny-matched' };
  for (const requirement of policy.require) {
    if (!requirement.node.test(facts)) return { allow: false, reason: requirement.reason };
  }
  if (!anyTrue(policy.allow, facts)) return { allow: false, reason: 'allow-unmatched' };
  return { allow: true, reason: allowReason(policy, facts) };
}

export const allowReason = (policy: CompiledPolicy, facts: PolicyFacts): PolicyReason => (!facts.user ? 'public-access' : policy.isDefault ? 'no-policy' : 'allow-matched');

/** The same facts as if the user had just signed in again (ages zero; a missing auth_time stays missing). */
export function freshSignIn(facts: PolicyFacts): PolicyFacts | undefined {
  const session = facts.session;
  const now = facts.request.now;
  if (!session || !Number.isFinite(now) || now - session.createdAt < FRESH_SESSION_MS) return undefined;
  const claims = typeof session.claims.auth_time === 'number' ? { ...session.claims, auth_time: Math.floor(now / 1000) } : session.claims;
  return { ...facts, session: { createdAt: now, claims } };
}

export function evaluatePolicy(policy: CompiledPolicy, facts: PolicyFacts, options: EvaluateOptions = {}): PolicyVerdict {
  const outcome = decide(policy, facts);
  let reauthenticate = false;
  if (!outcome.allow && policy.usesAge && outcome.reason !== 'user-inactive') {
    const fresh = freshSignIn(facts);
    reauthenticate = fresh !== undefined && decide(policy, fresh).allow;
  }
  const verdict: PolicyVerdict = {
    allow: outcome.allow,
    reasons: REASONS[reauthenticate ? 'reauthentication-required' : outcome.reason],
    reauthenticate,
  };
  if (options.explain) verdict.explain = explainPolicy(policy, facts, verdict);
  return verdict;
}

/**
 * The whole tree, every criterion evaluated (no short-circuit), under a root holding the verdict:
 * `allow`/`deny`, or `conditional` (value `unknown`) when evaluated with unknown facts.
 */
export function explainPolicy(policy: CompiledPolicy, facts: PolicyFacts, verdict: Pick<PolicyVerdict, 'allow'> | { value: Tri }, unknown?: UnknownFacts): ExplainNode {
  const children: ExplainNode[] = [
    ...policy.deny.map((node) => node.explain(facts, unknown)),
    ...policy.require.map(({ node }) => ({ ...node.explain(facts, unknown), node: 'require' as const, label: `require ${node.label}` })),
    ...policy.allow.map((node) => node.explain(facts, unknown)),
  ];
  const value = 'value' in verdict ? verdict.value : verdict.allow;
  return { node: 'policy', path: 'policy', label: value === 'unknown' ? 'conditional' : value ? 'allow' : 'deny', value, children };
}
