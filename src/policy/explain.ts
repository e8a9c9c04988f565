/**
 * Explain trees as text: the `deny-why` / `allow-why` lines a log or a CLI prints. Each line is
 * one criterion — where it is written, what it says, its value and the fact that decided it:
 *   `policy.deny.or.0 groups has "Contractors" = true (member of "Contractors", "Staff")`
 * A value is `true`, `false` or — evaluated with unknown facts — `unknown` (`?` in the tree).
 */
import type { ExplainNode } from './types.js';

export function explainLine(node: ExplainNode): string {
  return `${node.path} ${node.label} = ${String(node.value)}${node.fact !== undefined ? ` (${node.fact})` : ''}`;
}

/** Every criterion (leaf) of the tree, in written order. */
export function explainLeaves(node: ExplainNode): ExplainNode[] {
  if (!node.children || node.children.length === 0) return node.fact !== undefined ? [node] : [];
  return node.children.flatMap(explainLeaves);
}

/**
 * The lines that say why: for a deny, the criteria of the deny rules that held (or, when none
 * did, of the requirements and allow rules that failed); for an allow, those of the allow rules
 * that held. At most `max` lines.
 */
export function explainWhy(tree: ExplainNode, max = 12): string[] {
  const rules = tree.children ?? [];
  // `=== true`: an `unknown` value (explain without a session) is a truthy string.
  const denies = rules.filter((rule) => rule.node === 'deny' && rule.value === true);
  const pick = tree.value === true
    ? rules.filter((rule) => rule.node === 'allow' && rule.value === true).flatMap((rule) => explainLeaves(rule).filter((leaf) => leaf.value === true))
    : denies.length > 0
      ? denies.flatMap((rule) => explainLeaves(rule).filter((leaf) => leaf.value === true))
      : rules.filter((rule) => rule.node !== 'deny' && rule.value !== true).flatMap(explainLeaves);
  const lines = pick.slice(0, max).map(explainLine);
  if (pick.length > max) lines.push(`… ${pick.length - max} more`);
  return lines;
}

/** The tree indented, one node a line, for `scimgate policy explain`. */
export function formatExplain(node: ExplainNode, indent = ''): string[] {
  const mark = node.value === 'unknown' ? '?' : node.value ? '✓' : '✗';
  const head = node.fact !== undefined ? `${indent}${mark} ${node.label}  [${node.fact}]  (${node.path})` : `${indent}${mark} ${node.label}  (${node.path})`;
  return [head, ...(node.children ?? []).flatMap((child) => formatExplain(child, `${indent}  `))];
}
