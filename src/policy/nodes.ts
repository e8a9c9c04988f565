/**
 * The nodes a compiled policy is made of — a criterion, an operator over nodes, an allow/deny rule
 * holding one operator — each answering three ways:
 *   - `test(facts)`: two-valued and fail-closed, for forward auth (a missing fact is false). The
 *     hot path: plain closures, no allocation, short-circuit;
 *   - `test3(facts, unknown)`: three-valued (Kleene, kleene.ts), for explain, access review and
 *     policy tests, where some session or request facts are unknown (unknown-facts.ts). A criterion
 *     reading an unknown fact is `unknown`; its `test` is not called. A separate closure, so the
 *     two-valued path pays nothing for it;
 *   - `explain(facts, unknown?)`: the whole tree, every criterion evaluated, with its value and
 *     the fact that decided it (three-valued when facts are unknown).
 * With nothing unknown, `test3` and `explain` give exactly `test`'s answer (a property test holds
 * them to it).
 */
import type { CompiledCriterion } from './criteria/criterion.js';
import { apply3, UNKNOWN, type Operator } from './kleene.js';
import type { ExplainNode, FactName, PolicyFacts, Tri } from './types.js';
import { anyUnknown, NOTHING_UNKNOWN, unknownAmong, type UnknownFacts } from './unknown-facts.js';

export type { Operator } from './kleene.js';

export interface PolicyNode {
  node: string;
  path: string;
  label: string;
  /** The session and request facts some criterion below reads (distinct; empty: the user only). */
  reads: readonly FactName[];
  test(facts: PolicyFacts): boolean;
  test3(facts: PolicyFacts, unknown: UnknownFacts): Tri;
  explain(facts: PolicyFacts, unknown?: UnknownFacts): ExplainNode;
}

const distinct = (lists: readonly (readonly FactName[])[]): FactName[] => [...new Set(lists.flat())];

export function criterionNode(criterion: CompiledCriterion, path: string): PolicyNode {
  const { test, reads } = criterion;
  const test3 = (facts: PolicyFacts, unknown: UnknownFacts): Tri => (reads.length > 0 && anyUnknown(unknown, reads) ? UNKNOWN : test(facts));
  return {
    node: criterion.name,
    path,
    label: criterion.label,
    reads,
    test,
    test3,
    explain: (facts, unknown = NOTHING_UNKNOWN) => {
      const missing = reads.length > 0 ? unknownAmong(unknown, reads) : [];
      const explained: ExplainNode = {
        node: criterion.name,
        path,
        label: criterion.label,
        value: missing.length > 0 ? UNKNOWN : test(facts),
        // An unknown fact's stand-in value in `facts` says nothing: name what is unknown instead.
        fact: missing.length > 0 ? `${missing.join(', ')} unknown` : criterion.fact(facts),
      };
      if (reads.length > 0) explained.reads = [...reads];
      return explained;
    },
  };
}

/** "Any of these holds", e.g. another route's allow rules as a requirement (route-policy.ts). */
export function anyOfNodes(node: string, path: string, children: readonly PolicyNode[]): PolicyNode {
  return combine(node, path, children, 'or');
}

/**
 * The operator over children; `or` of one child is the child itself (a block with one operator).
 * `node` is `block` for a nested block, else the rule (`allow`, `deny`) or operator it stands for.
 */
export function combine(node: string, path: string, children: readonly PolicyNode[], op: Operator): PolicyNode {
  if (op === 'or' && children.length === 1 && node !== 'or') {
    const only = children[0] as PolicyNode;
    return node === 'block' ? only : wrap(node, path, only);
  }
  // User-only children first: cheaper, and the order cannot change an answer (all criteria are
  // pure and total). Explain keeps the written order.
  const ordered = [...children].sort((a, b) => Number(a.reads.length > 0) - Number(b.reads.length > 0));
  const name = node === 'block' ? op : node;
  return {
    node: name,
    path,
    label: node === 'block' || node === op ? op : `${node} (${op})`,
    reads: distinct(children.map((child) => child.reads)),
    test: operatorTest(op, ordered),
    test3: operatorTest3(op, ordered),
    explain: (facts, unknown) => {
      const explained = children.map((child) => child.explain(facts, unknown));
      return { node: name, path, label: node === 'block' || node === op ? op : `${node}: any of`, value: apply3(op, explained.map((e) => e.value)), children: explained };
    },
  };
}

/** An allow/deny rule holding one operator: its value is the operator's. */
function wrap(node: string, path: string, only: PolicyNode): PolicyNode {
  return {
    node,
    path,
    label: node,
    reads: only.reads,
    test: only.test,
    test3: only.test3,
    explain: (facts, unknown) => {
      const inner = only.explain(facts, unknown);
      return { node, path, label: node, value: inner.value, children: [inner] };
    },
  };
}

function operatorTest(op: Operator, children: readonly PolicyNode[]): (facts: PolicyFacts) => boolean {
  const tests = children.map((child) => child.test);
  switch (op) {
    case 'and':
      return (facts) => {
        for (const test of tests) if (!test(facts)) return false;
        return true;
      };
    case 'or':
      return (facts) => {
        for (const test of tests) if (test(facts)) return true;
        return false;
      };
    case 'not':
      return (facts) => {
        for (const test of tests) if (test(facts)) return false;
        return true;
      };
    case 'nor':
      return (facts) => {
        for (const test of tests) if (!test(facts)) return true;
        return false;
      };
  }
}

/** Kleene's operators over children, stopping as soon as a definite answer is known. */
function operatorTest3(op: Operator, children: readonly PolicyNode[]): PolicyNode['test3'] {
  const tests = children.map((child) => child.test3);
  // and: false wins; or: true wins; not = and of negations; nor = or of negations.
  const decisive = op === 'and' || op === 'nor' ? false : true;
  const negate = op === 'not' || op === 'nor';
  const otherwise = op === 'and' || op === 'not';
  return (facts, unknown) => {
    let result: Tri = otherwise;
    for (const test of tests) {
      const value = test(facts, unknown);
      if (value === UNKNOWN) result = UNKNOWN;
      else if (value === decisive) return negate ? !decisive : decisive;
    }
    return result;
  };
}
