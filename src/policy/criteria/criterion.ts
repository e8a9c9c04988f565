/**
 * What one criterion compiles to, and what its compiler gets. Each criterion lives in its own
 * file beside this one and is listed in registry.ts; compile.ts knows only this interface.
 * A compiled criterion is total: a missing fact makes `test` false, never a throw. An unknown
 * fact (unknown-facts.ts) is not its business: the node around it (nodes.ts) answers `unknown`
 * without calling `test` when something in `reads` is unknown.
 */
import type { FactName, PolicyFacts, PolicyProblem } from '../types.js';

export interface CompiledCriterion {
  /** The criterion's name as written (`groups`, `claim/amr`, `attribute/title`). */
  name: string;
  /** As written, for explain: `groups has "Engineering"`. */
  label: string;
  /**
   * The session and request facts it reads (empty: the directory user only). Where one of them is
   * unknown (explain or review without a session or request) the criterion is `unknown`.
   */
  reads: readonly FactName[];
  /** Holds for an anonymous request (only `public` does): the policy may then be evaluated without a user. */
  anonymous?: boolean;
  test(facts: PolicyFacts): boolean;
  /** The fact that decided it, for explain only (never on the hot path). */
  fact(facts: PolicyFacts): string;
}

export interface CompileOptions {
  /** The route matches paths case-insensitively: `http_path` compares lower-case. */
  caseInsensitivePaths?: boolean;
}

export interface CriterionContext {
  /** Key path of the criterion's value, for problems (`allow.and.0.email`). */
  at: string;
  /** What follows `/` in the key (`claim/amr` → `amr`), if anything. */
  sub: string | undefined;
  report(path: string, message: string): void;
  options: CompileOptions;
  /** A process-unique number for memoizing per-user answers (UserFacts.memo). */
  slot(): number;
}

export interface CriterionDef {
  /** `required`: the criterion needs a sub-path (`claim/<name>`); `none`: it takes none. */
  subPath: 'none' | 'required';
  compile(value: unknown, ctx: CriterionContext): CompiledCriterion | undefined;
}

let nextSlot = 0;
export const newSlot = (): number => (nextSlot += 1);

/** `true` as Pomerium writes it (`authenticated_user: true`); anything else is a mistake, not a no-op. */
export function expectTrue(value: unknown, ctx: CriterionContext): boolean {
  if (value === true) return true;
  ctx.report(ctx.at, 'must be true');
  return false;
}

export const quote = (value: string | undefined | null): string => (value === undefined || value === null ? 'absent' : JSON.stringify(value));

/** A short list for explain output. */
export function shortList(values: readonly string[], max = 8): string {
  if (values.length === 0) return '(none)';
  const shown = values.slice(0, max).map((v) => JSON.stringify(v));
  return values.length > max ? `${shown.join(', ')} … ${values.length - max} more` : shown.join(', ');
}
