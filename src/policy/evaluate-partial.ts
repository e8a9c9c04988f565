/**
 * Evaluates a compiled policy when some session or request facts are not known — `scimgate policy
 * explain`, the admin explain endpoint, `scimgate access review|user` and `scimgate policy test`
 * ask about a directory user without a live session or request. Three-valued (Kleene, kleene.ts):
 * the same deny-first order as evaluate.ts, with `conditional` where the outcome hangs on unknown
 * facts (and which ones: `dependsOn`), and a definite `allow` or `deny` only when every possible
 * value of the unknown facts gives it. With nothing unknown it answers exactly as evaluatePolicy
 * (a property test holds it to that). Forward auth never comes here: its decision is two-valued
 * and fail-closed (evaluate.ts), and this module costs it nothing.
 *
 * An ambiguous path is evaluated under each of its readings, as forward auth does (a policy that
 * reads `http_path` must allow every reading): any reading's deny denies; else any conditional one
 * makes the outcome conditional.
 */
import type { CompiledPolicy, PolicyNode } from './compile.js';
import { allowReason, explainPolicy, freshSignIn } from './evaluate.js';
import { UNKNOWN } from './kleene.js';
import type { ExplainNode, FactName, PolicyFacts, PolicyReason, Tri } from './types.js';
import { isUnknown, type UnknownFacts } from './unknown-facts.js';

export type PartialDecision = 'allow' | 'deny' | 'conditional';

export interface ReadingOutcome {
  path: string;
  decision: PartialDecision;
}

export interface PartialVerdict {
  decision: PartialDecision;
  /** allow / deny: the stable reasons evaluatePolicy gives; conditional: `conditional`. */
  reasons: readonly (PolicyReason | 'conditional')[];
  /** Conditional only: the unknown facts the outcome hangs on (`claim/amr`, `source_ip`, …). */
  dependsOn: readonly FactName[];
  /** Deny only: a fresh sign-in would allow (session age known and too old). */
  reauthenticate: boolean;
  /**
   * With more than one reading of the path (and a policy reading `http_path`): each reading's
   * decision, in the order forward auth tries them; `decidedBy` is the one whose answer stands.
   */
  readings?: ReadingOutcome[];
  decidedBy?: number;
  /** The evaluated tree of the reading that decided; only when asked for. */
  explain?: ExplainNode;
}

export interface PartialOptions {
  unknown: UnknownFacts;
  /** Every reading of the path, literal first (match-route's readings); default: `facts.request.path`. */
  paths?: readonly string[];
  explain?: boolean;
}

interface Outcome {
  value: Tri;
  reason: PolicyReason | 'conditional';
}

function any3(nodes: readonly PolicyNode[], facts: PolicyFacts, unknown: UnknownFacts): Tri {
  let result: Tri = false;
  for (const node of nodes) {
    const value = node.test3(facts, unknown);
    if (value === true) return true;
    if (value === UNKNOWN) result = UNKNOWN;
  }
  return result;
}

/** evaluate.ts's decide, in Kleene logic: a definite answer wherever the known facts settle it. */
function decide3(policy: CompiledPolicy, facts: PolicyFacts, unknown: UnknownFacts): Outcome {
  const user = facts.user;
  if (user && !user.active) return { value: false, reason: 'user-inactive' };
  if (!user && !policy.allowsAnonymous) return { value: false, reason: 'user-unauthenticated' };
  const denied = any3(policy.deny, facts, unknown);
  if (denied === true) return { value: false, reason: 'deny-matched' };
  let required: Tri = true;
  for (const requirement of policy.require) {
    const value = requirement.node.test3(facts, unknown);
    if (value === false) return { value: false, reason: requirement.reason };
    if (value === UNKNOWN) required = UNKNOWN;
  }
  const allowed = any3(policy.allow, facts, unknown);
  if (allowed === false) return { value: false, reason: 'allow-unmatched' };
  if (denied === false && required === true && allowed === true) return { value: true, reason: allowReason(policy, facts) };
  return { value: UNKNOWN, reason: 'conditional' };
}

const decisionOf = (value: Tri): PartialDecision => (value === UNKNOWN ? 'conditional' : value ? 'allow' : 'deny');

function evaluateOne(policy: CompiledPolicy, facts: PolicyFacts, unknown: UnknownFacts, explain: boolean): PartialVerdict {
  const outcome = decide3(policy, facts, unknown);
  let reauthenticate = false;
  // As evaluatePolicy: a deny a fresh sign-in would lift — only when the session's age is known.
  if (outcome.value === false && policy.usesAge && outcome.reason !== 'user-inactive' && !unknown.session_age) {
    const fresh = freshSignIn(facts);
    reauthenticate = fresh !== undefined && decide3(policy, fresh, unknown).value === true;
  }
  const verdict: PartialVerdict = {
    decision: decisionOf(outcome.value),
    reasons: [reauthenticate ? 'reauthentication-required' : outcome.reason],
    dependsOn: [],
    reauthenticate,
  };
  // The facts it hangs on are read off the tree, so a conditional outcome always builds it.
  if (explain || outcome.value === UNKNOWN) {
    const tree = explainPolicy(policy, facts, { value: outcome.value }, unknown);
    if (outcome.value === UNKNOWN) verdict.dependsOn = dependsOn(tree, unknown);
    if (explain) verdict.explain = tree;
  }
  return verdict;
}

/** The unknown facts read by unknown criteria under unknown nodes: those the outcome hangs on. */
export function dependsOn(tree: ExplainNode, unknown: UnknownFacts): FactName[] {
  const found = new Set<FactName>();
  const walk = (node: ExplainNode): void => {
    if (node.value !== UNKNOWN) return;
    for (const fact of node.reads ?? []) if (isUnknown(unknown, fact)) found.add(fact);
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  return [...found];
}

export function evaluatePartial(policy: CompiledPolicy, facts: PolicyFacts, options: PartialOptions): PartialVerdict {
  const explain = options.explain === true;
  const paths = options.paths ?? [];
  if (!policy.reads.includes('path') || paths.length <= 1 || options.unknown.path) {
    const only = paths[0];
    return evaluateOne(policy, only === undefined ? facts : { ...facts, request: { ...facts.request, path: only } }, options.unknown, explain);
  }
  const verdicts = paths.map((path) => evaluateOne(policy, { ...facts, request: { ...facts.request, path } }, options.unknown, explain));
  const denied = verdicts.findIndex((v) => v.decision === 'deny');
  const conditional = verdicts.findIndex((v) => v.decision === 'conditional');
  const decidedBy = denied !== -1 ? denied : conditional !== -1 ? conditional : 0;
  const decided = verdicts[decidedBy] as PartialVerdict;
  return {
    ...decided,
    // Under a deny nothing else matters; else every conditional reading's unknowns do.
    dependsOn: denied !== -1 ? [] : [...new Set(verdicts.flatMap((v) => v.dependsOn))],
    readings: verdicts.map((v, index) => ({ path: paths[index] as string, decision: v.decision })),
    decidedBy,
  };
}
