/**
 * The shape shared by criteria whose fact is a list of names (user, email, domain, claim,
 * http_method, http_path): pick the names, apply the compiled string matcher. The case rule of
 * each lives where it picks its names (exact vs folded, see string-matcher.ts).
 */
import { compileStringMatcher, type StringMatcherName } from '../string-matcher.js';
import type { FactName, Names, PolicyFacts } from '../types.js';
import type { CompiledCriterion, CriterionContext, CriterionDef } from './criterion.js';

export interface NamesCriterionSpec {
  reads: readonly FactName[];
  matchers?: readonly StringMatcherName[];
  names(facts: PolicyFacts, ctx: { sub: string | undefined }): Names | undefined;
  describe(facts: PolicyFacts, ctx: { sub: string | undefined }): string;
}

export function compileNamesCriterion(name: string, value: unknown, ctx: CriterionContext, spec: NamesCriterionSpec): CompiledCriterion | undefined {
  const matcher = compileStringMatcher(value, ctx.at, ctx.report, spec.matchers);
  if (!matcher) return undefined;
  const sub = { sub: ctx.sub };
  const pick = spec.names;
  return {
    name,
    label: `${name} ${matcher.label}`,
    reads: spec.reads,
    test: (facts) => matcher.test(pick(facts, sub)),
    fact: (facts) => spec.describe(facts, sub),
  };
}

export function namesCriterion(name: string, spec: NamesCriterionSpec): CriterionDef {
  return { subPath: 'none', compile: (value, ctx) => compileNamesCriterion(name, value, ctx, spec) };
}
