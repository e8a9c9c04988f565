/**
 * A configured route → its compiled policy, once at load:
 * - `policy:` (compile.ts) when written;
 * - no `policy:`: today's meaning, any signed-in, active, provisioned user (`no-policy`);
 * - `allowedGroups: [..]`: sugar for "member of any of these groups" (effective membership,
 *   by id, externalId or displayName). Beside a `policy:` it is a requirement too: both must hold.
 * A request that falls under no route gets the default policy.
 */
import { fail, ok, type Result } from '../shared/result.js';
import { anyOfNodes, assemble, compilePolicy, criterionNode, type CompiledPolicy, type CompileOptions, type Requirement } from './compile.js';
import { authenticatedUser } from './criteria/constant.js';
import { newSlot } from './criteria/criterion.js';
import { groups } from './criteria/groups.js';
import type { PolicyProblem } from './types.js';

export interface RoutePolicyInput {
  /** The route's `policy:` as written (plain values from YAML), if any. */
  policy?: unknown;
  allowedGroups?: readonly string[] | undefined;
}

function compileOrThrow<T>(value: T | undefined, what: string): T {
  // Only reachable with arguments this module built itself.
  if (value === undefined) throw new Error(`route policy: could not build ${what}`);
  return value;
}

/** "Member of any of these groups", as a requirement with the `groups-unauthorized` reason. */
export function groupsRequirement(refs: readonly string[], path: string): Result<Requirement, PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  const criterion = groups.compile({ in: [...refs] }, { at: path, sub: undefined, report: (p, message) => void problems.push({ path: p, message }), options: {}, slot: newSlot });
  if (!criterion) return fail(problems);
  return ok({ node: criterionNode(criterion, path), reason: 'groups-unauthorized' });
}

const signedIn = compileOrThrow(authenticatedUser.compile(true, { at: 'default', sub: undefined, report: () => undefined, options: {}, slot: newSlot }), 'authenticated_user');

/** Any signed-in, active user: the policy of a route without one, and of requests under no route. */
export const DEFAULT_POLICY: CompiledPolicy = assemble({
  allow: [criterionNode(signedIn, 'default')],
  deny: [],
  require: [],
  anonymous: false,
  age: false,
  path: false,
  size: 1,
  isDefault: true,
  claims: [],
});

export function compileRoutePolicy(route: RoutePolicyInput | undefined, options: CompileOptions = {}): Result<CompiledPolicy, PolicyProblem[]> {
  if (!route) return ok(DEFAULT_POLICY);
  const require: Requirement[] = [];
  const problems: PolicyProblem[] = [];
  if (route.allowedGroups !== undefined) {
    const requirement = route.allowedGroups.length === 0 ? fail([{ path: 'allowedGroups', message: 'must list at least one group' }]) : groupsRequirement(route.allowedGroups, 'allowedGroups');
    if (requirement.ok) require.push(requirement.value);
    else problems.push(...requirement.error);
  }
  if (route.policy === undefined) {
    if (problems.length > 0) return fail(problems);
    return ok(require.length === 0 ? DEFAULT_POLICY : { ...DEFAULT_POLICY, require, size: DEFAULT_POLICY.size + require.length, isDefault: false });
  }
  const compiled = compilePolicy(route.policy, options);
  if (!compiled.ok) problems.push(...compiled.error.map((p) => ({ path: p.path === '' ? 'policy' : `policy.${p.path}`, message: p.message })));
  if (problems.length > 0 || !compiled.ok) return fail(problems);
  if (compiled.value.allow.length === 0 && require.length === 0) {
    return fail([{ path: 'policy', message: 'has no allow rule, so it would deny everyone; add one (e.g. allow: {and: [{authenticated_user: true}]}), or write allow: {and: [{reject: true}]} to mean it' }]);
  }
  const allow = compiled.value.allow.length > 0 ? compiled.value.allow : DEFAULT_POLICY.allow;
  return ok({ ...compiled.value, allow, require: [...require, ...compiled.value.require], size: compiled.value.size + require.length });
}

/** A policy with more requirements (they only narrow). */
export function withRequirements(policy: CompiledPolicy, extra: readonly Requirement[]): CompiledPolicy {
  if (extra.length === 0) return policy;
  return { ...policy, require: [...policy.require, ...extra], isDefault: false, size: policy.size + extra.length };
}

/**
 * Every one of these policies must allow (a request that could fall under several routes): the
 * first one's allow rules, every deny rule, every requirement, and each other policy's allow
 * rules as one more requirement.
 */
export function allOfPolicies(policies: readonly CompiledPolicy[]): CompiledPolicy {
  const distinct = [...new Set(policies)];
  const [first, ...rest] = distinct;
  if (!first) return DEFAULT_POLICY;
  if (rest.length === 0) return first;
  const require: Requirement[] = [...first.require];
  for (const [index, policy] of rest.entries()) {
    require.push(...policy.require, { node: anyOfNodes('allow', `route${index + 1}.allow`, policy.allow), reason: 'allow-unmatched' });
  }
  return assemble({
    allow: [...first.allow],
    deny: distinct.flatMap((policy) => policy.deny),
    require,
    anonymous: distinct.every((policy) => policy.allowsAnonymous),
    age: distinct.some((policy) => policy.usesAge),
    path: distinct.some((policy) => policy.readsPath),
    size: distinct.reduce((sum, policy) => sum + policy.size, 0),
    isDefault: distinct.every((policy) => policy.isDefault),
    claims: [...new Set(distinct.flatMap((policy) => policy.claims))],
  });
}
