/**
 * The access policy language (pure): Pomerium-style rules compiled once into plain functions,
 * evaluated against directory, session and request facts, with an explain tree. It knows no
 * HTTP, database or configuration file: config compiles route policies with it at load (so a
 * bad policy is a load error naming its key), access evaluates them per request.
 */
export { anyOfNodes, compilePolicy, MAX_POLICY_DEPTH, type CompiledPolicy, type CompileOptions, type PolicyNode, type Requirement } from './compile.js';
export { dependsOn, evaluatePartial, type PartialDecision, type PartialOptions, type PartialVerdict, type ReadingOutcome } from './evaluate-partial.js';
export { and3, not3, or3, UNKNOWN } from './kleene.js';
export { isUnknown, NOTHING_UNKNOWN, unknownFacts, type UnknownFacts } from './unknown-facts.js';
export { CRITERION_NAMES } from './criteria/registry.js';
export { evaluatePolicy, explainPolicy, FRESH_SESSION_MS, type EvaluateOptions } from './evaluate.js';
export { explainLeaves, explainLine, explainWhy, formatExplain } from './explain.js';
export { groupKeys, prepareUserFacts, primaryEmailOf, sessionFacts, type UserRecordLike } from './facts.js';
export {
  ALLOWED_EMAIL_DOMAINS_PARAM,
  ALLOWED_EMAILS_PARAM,
  ALLOWED_GROUPS_PARAM,
  MAX_GROUP_REF_LENGTH,
  MAX_GROUPS_PER_LIST,
  parseAllowedGroupsParam,
  parseListParam,
  POLICY_PARAMS,
  queryRequirements,
} from './query-params.js';
export { allOfPolicies, compileRoutePolicy, DEFAULT_POLICY, groupsRequirement, withRequirements, type RoutePolicyInput } from './route-policy.js';
export { STRING_MATCHERS, type StringMatcherName } from './string-matcher.js';
export type {
  ExplainNode,
  FactName,
  GroupFact,
  GroupKeys,
  Names,
  PolicyError,
  PolicyFacts,
  PolicyProblem,
  PolicyReason,
  PolicyVerdict,
  RequestFacts,
  SessionFacts,
  Tri,
  UserFacts,
} from './types.js';
