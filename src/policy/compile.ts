/**
 * A policy as written (PPL-like YAML, already parsed to plain values) → plain functions, once
 * at load. Grammar, as in Pomerium's PPL:
 *
 *   policy   := rule | [rule, …]
 *   rule     := { allow?: block, deny?: block }            (at least one)
 *   block    := { and?: [item…], or?: [item…], not?: [item…], nor?: [item…] }
 *   item     := { <criterion>[/<sub>]: <value> } | block    (blocks nest to any depth)
 *
 * `and`: all hold; `or`: any holds; `not`: none holds (¬A ∧ ¬B); `nor`: not all hold
 * (¬A ∨ ¬B) — Pomerium's meanings, kept so its policies read the same here. Several operators
 * in one block: any of them (Pomerium's rule bodies are alternatives). Empty lists are errors
 * (`and: []` would silently allow everyone). Every problem is reported with its key path.
 *
 * The nodes it builds (criterion, operator, rule) and how each evaluates — two-valued for forward
 * auth, three-valued with unknown facts, explained — are nodes.ts.
 */
import { fail, ok, type Result } from '../shared/result.js';
import { newSlot, type CompiledCriterion, type CompileOptions } from './criteria/criterion.js';
import { CRITERIA, CRITERION_NAMES } from './criteria/registry.js';
import { combine, criterionNode, type Operator, type PolicyNode } from './nodes.js';
import { isMapping, reporter } from './string-matcher.js';
import type { FactName, PolicyProblem, PolicyReason } from './types.js';

export type { CompileOptions } from './criteria/criterion.js';
export { anyOfNodes, criterionNode, type PolicyNode } from './nodes.js';

/** A requirement every allow must also meet (allowedGroups, oauth2-proxy's query), with its deny reason. */
export interface Requirement {
  node: PolicyNode;
  reason: PolicyReason;
}

export interface CompiledPolicy {
  /** Allow rules: any may match. */
  readonly allow: readonly PolicyNode[];
  /** Deny rules: any match denies, whatever else holds. */
  readonly deny: readonly PolicyNode[];
  /** All must hold for an allow (intersection: they only narrow). */
  readonly require: readonly Requirement[];
  /** `public` appears under an allow rule: requests without a session are evaluated too. */
  readonly allowsAnonymous: boolean;
  /** Some criterion reads session_age/auth_age: a deny may be answered "sign in again". */
  readonly usesAge: boolean;
  /** Some criterion reads http_path: an ambiguous path is evaluated under each of its readings. */
  readonly readsPath: boolean;
  /** Built from no policy at all (any signed-in user): the allow reason is `no-policy`. */
  readonly isDefault: boolean;
  /** The session and request facts its criteria read (an access review may find outcomes conditional). */
  readonly reads: readonly FactName[];
  /** Number of criteria, for logs and benches. */
  readonly size: number;
  /** The ID-token claims it reads (`claim/<name>`, `auth_time` for auth_age): sessions keep these. */
  readonly claims: readonly string[];
}

const OPERATORS: readonly Operator[] = ['and', 'or', 'not', 'nor'];
const isOperator = (key: string): key is Operator => (OPERATORS as readonly string[]).includes(key);

/** Nesting deeper than this is refused: evaluation recurses once per level. */
export const MAX_POLICY_DEPTH = 32;

interface Walk {
  report(path: string, message: string): void;
  options: CompileOptions;
  anonymous: boolean;
  age: boolean;
  path: boolean;
  size: number;
  claims: Set<string>;
}

const join = (at: string, key: string | number): string => (at === '' ? String(key) : `${at}.${key}`);

export function compilePolicy(raw: unknown, options: CompileOptions = {}): Result<CompiledPolicy, PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  const walk: Walk = { report: reporter(problems), options, anonymous: false, age: false, path: false, size: 0, claims: new Set() };
  const allow: PolicyNode[] = [];
  const deny: PolicyNode[] = [];
  const rules = Array.isArray(raw) ? raw.map((rule, index) => [rule, String(index)] as const) : [[raw, ''] as const];
  if (rules.length === 0) walk.report('', 'must list at least one rule (allow: … or deny: …)');
  for (const [rule, at] of rules) {
    if (!isMapping(rule)) {
      walk.report(at, 'must be a rule: a mapping with allow and/or deny');
      continue;
    }
    const keys = Object.keys(rule);
    if (keys.length === 0) walk.report(at, 'must have allow and/or deny');
    for (const key of keys) {
      const where = join(at, key);
      if (key !== 'allow' && key !== 'deny') {
        walk.report(where, `unknown key "${key}"; a rule has allow and/or deny`);
        continue;
      }
      const before = walk.anonymous;
      const block = compileBlock(rule[key], where, key, walk, 0);
      // `public` opens a route to anonymous requests only from an allow rule.
      if (key === 'deny') walk.anonymous = before;
      if (block) (key === 'allow' ? allow : deny).push(block);
    }
  }
  if (problems.length > 0) return fail(problems);
  return ok(assemble({ allow, deny, require: [], anonymous: walk.anonymous, age: walk.age, path: walk.path, size: walk.size, isDefault: false, claims: [...walk.claims] }));
}

export function assemble(parts: {
  allow: PolicyNode[];
  deny: PolicyNode[];
  require: Requirement[];
  anonymous: boolean;
  age: boolean;
  path: boolean;
  size: number;
  isDefault: boolean;
  claims: readonly string[];
}): CompiledPolicy {
  const all = [...parts.allow, ...parts.deny, ...parts.require.map((r) => r.node)];
  return {
    allow: parts.allow,
    deny: parts.deny,
    require: parts.require,
    allowsAnonymous: parts.anonymous,
    usesAge: parts.age,
    readsPath: parts.path,
    isDefault: parts.isDefault,
    reads: [...new Set(all.flatMap((node) => node.reads))],
    size: parts.size,
    claims: parts.claims,
  };
}

function compileBlock(raw: unknown, at: string, kind: string, walk: Walk, depth: number): PolicyNode | undefined {
  if (depth > MAX_POLICY_DEPTH) return void walk.report(at, `nests deeper than ${MAX_POLICY_DEPTH} levels`);
  if (!isMapping(raw)) return void walk.report(at, 'must be a mapping of and / or / not / nor lists');
  const keys = Object.keys(raw);
  if (keys.length === 0) return void walk.report(at, 'must have and, or, not or nor');
  const operators: PolicyNode[] = [];
  let bad = false;
  for (const key of keys) {
    const where = join(at, key);
    if (!isOperator(key)) {
      const hint = CRITERION_NAMES.includes(key.split('/')[0] ?? '') ? ` (a criterion goes in a list: ${key} under and/or)` : '';
      walk.report(where, `unknown operator "${key}"; expected and, or, not, nor${hint}`);
      bad = true;
      continue;
    }
    const node = compileOperator(key, raw[key], where, walk, depth);
    if (node) operators.push(node);
    else bad = true;
  }
  if (bad) return undefined;
  return combine(kind, at, operators, 'or');
}

function compileOperator(op: Operator, raw: unknown, at: string, walk: Walk, depth: number): PolicyNode | undefined {
  if (!Array.isArray(raw)) return void walk.report(at, 'must be a list of criteria');
  if (raw.length === 0) return void walk.report(at, 'must list at least one criterion');
  const children: PolicyNode[] = [];
  let bad = false;
  raw.forEach((item, index) => {
    const child = compileItem(item, join(at, index), walk, depth + 1);
    if (child) children.push(child);
    else bad = true;
  });
  return bad ? undefined : combine(op, at, children, op);
}

function compileItem(raw: unknown, at: string, walk: Walk, depth: number): PolicyNode | undefined {
  if (!isMapping(raw)) return void walk.report(at, 'must be a criterion (e.g. "groups: {has: Admins}") or a nested and/or/not/nor');
  const keys = Object.keys(raw);
  if (keys.length > 0 && keys.every(isOperator)) return compileBlock(raw, at, 'block', walk, depth);
  if (keys.length !== 1) {
    return void walk.report(at, keys.length === 0 ? 'is empty; expected one criterion' : `has ${keys.length} keys (${keys.join(', ')}); write one criterion per list item`);
  }
  const key = keys[0] as string;
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(0, slash);
  const sub = slash === -1 ? undefined : key.slice(slash + 1);
  const where = join(at, key);
  const def = Object.hasOwn(CRITERIA, name) ? CRITERIA[name] : undefined;
  if (!def) return void walk.report(where, `unknown criterion "${name}"; expected one of ${CRITERION_NAMES.join(', ')}`);
  if (def.subPath === 'required' && !sub) return void walk.report(where, `${name} needs a name after a slash, e.g. ${name}/${name === 'claim' ? 'amr' : 'department'}`);
  if (def.subPath === 'none' && sub !== undefined) return void walk.report(where, `${name} takes no "/…" part`);
  const criterion = def.compile(raw[key], { at: where, sub, report: walk.report, options: walk.options, slot: newSlot });
  if (!criterion) return undefined;
  walk.size += 1;
  if (criterion.anonymous) walk.anonymous = true;
  if (name === 'session_age' || name === 'auth_age') walk.age = true;
  if (name === 'auth_age') walk.claims.add('auth_time');
  if (name === 'http_path') walk.path = true;
  if (name === 'claim' && sub) walk.claims.add(sub);
  return criterionNode(criterion, where);
}
