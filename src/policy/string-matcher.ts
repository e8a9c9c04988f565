/**
 * The string matchers every name-like criterion shares (`is`, `has`, `in`, `not_in`,
 * `starts_with`, `ends_with`, `contains`), compiled once into a test over a fact's names.
 *
 * A fact is a list of names in two kinds, which is how each criterion states its case rule:
 * `exact` names compare case-sensitively with the value as written; `folded` names are already
 * lower-case and compare with the lower-cased value. Semantics over a list of names:
 * - `is`, `has`, `in`, `starts_with`, `ends_with`, `contains`: some name matches;
 * - `not_in`: the fact is present and no name is in the list;
 * - several matchers in one mapping must all hold; a missing fact (undefined) never matches.
 * Shorthands: a scalar means `is`, a list means `in` (`claim/amr: mfa`, `email: [a@x, b@x]`).
 */
import type { Names, PolicyProblem } from './types.js';

export const STRING_MATCHERS = ['is', 'has', 'in', 'not_in', 'starts_with', 'ends_with', 'contains'] as const;
export type StringMatcherName = (typeof STRING_MATCHERS)[number];

export interface CompiledMatcher {
  test(names: Names | undefined): boolean;
  /**
   * Set matchers (`is`, `has`, `in`, `not_in`) also expose their values, so a criterion whose
   * fact is itself a large set (a user's groups) can look the few values up instead of scanning.
   */
  set?: { exact: ReadonlySet<string>; folded: ReadonlySet<string>; negate: boolean };
  /** As written, for explain: `is "x"`, `in ["a", "b"]`. */
  label: string;
}

/** Lists longer than this are refused: a policy is config, and `in` is a set, not a directory. */
export const MAX_MATCHER_LIST = 10_000;

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';

export const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

type Report = (path: string, message: string) => void;

export function reporter(problems: PolicyProblem[]): Report {
  return (path, message) => void problems.push({ path, message });
}

/**
 * `value` as written under a criterion. `allowed` limits the matchers (`has` only for lists);
 * returns undefined after reporting when the value is unusable.
 */
export function compileStringMatcher(value: unknown, at: string, report: Report, allowed: readonly StringMatcherName[] = STRING_MATCHERS): CompiledMatcher | undefined {
  if (isScalar(value)) return single(allowed.includes('is') ? 'is' : 'has', String(value), at, report);
  if (Array.isArray(value)) return allowed.includes('in') ? list('in', value, at, report) : void report(at, `a list is not accepted here; use one of ${allowed.join(', ')}`);
  if (!isMapping(value)) return void report(at, `must be a value, a list, or a mapping of matchers (${allowed.join(', ')})`);
  const keys = Object.keys(value);
  if (keys.length === 0) return void report(at, `must name a matcher (${allowed.join(', ')})`);
  const parts: CompiledMatcher[] = [];
  let bad = false;
  for (const key of keys) {
    const where = `${at}.${key}`;
    if (!(allowed as readonly string[]).includes(key)) {
      report(where, `unknown matcher "${key}"; expected one of ${allowed.join(', ')}`);
      bad = true;
      continue;
    }
    const name = key as StringMatcherName;
    const raw = value[key];
    const part = name === 'in' || name === 'not_in' ? list(name, raw, where, report) : isScalar(raw) ? single(name, String(raw), where, report) : void report(where, 'must be a string');
    if (part) parts.push(part);
    else bad = true;
  }
  if (bad) return undefined;
  return parts.length === 1 ? parts[0] : allOf(parts);
}

function allOf(parts: readonly CompiledMatcher[]): CompiledMatcher {
  return {
    test: (names) => {
      for (const part of parts) if (!part.test(names)) return false;
      return true;
    },
    label: parts.map((part) => part.label).join(' and '),
  };
}

function single(name: StringMatcherName, text: string, at: string, report: Report): CompiledMatcher | undefined {
  if (text === '') return void report(at, 'must not be empty');
  const label = `${name} ${JSON.stringify(text)}`;
  if (name === 'is' || name === 'has') return inSet([text], label);
  const lower = text.toLowerCase();
  const check = name === 'starts_with' ? (a: string, b: string) => a.startsWith(b) : name === 'ends_with' ? (a: string, b: string) => a.endsWith(b) : (a: string, b: string) => a.includes(b);
  return {
    label,
    test: (names) => {
      if (!names) return false;
      for (const n of names.exact) if (check(n, text)) return true;
      for (const n of names.folded) if (check(n, lower)) return true;
      return false;
    },
  };
}

function list(name: 'in' | 'not_in', raw: unknown, at: string, report: Report): CompiledMatcher | undefined {
  if (!Array.isArray(raw)) return void report(at, 'must be a list');
  if (raw.length === 0) return void report(at, 'must list at least one value');
  if (raw.length > MAX_MATCHER_LIST) return void report(at, `must list at most ${MAX_MATCHER_LIST} values`);
  const texts: string[] = [];
  raw.forEach((item, index) => {
    if (!isScalar(item) || String(item) === '') report(`${at}.${index}`, 'must be a non-empty string');
    else texts.push(String(item));
  });
  if (texts.length !== raw.length) return undefined;
  const label = `${name} ${JSON.stringify(texts.length > 5 ? [...texts.slice(0, 5), `… ${texts.length - 5} more`] : texts)}`;
  const member = inSet(texts, label);
  if (name === 'in') return member;
  return { label, test: (names) => names !== undefined && !member.test(names), ...(member.set ? { set: { ...member.set, negate: true } } : {}) };
}

function inSet(texts: readonly string[], label: string): CompiledMatcher {
  const exact = new Set(texts);
  const folded = new Set(texts.map((text) => text.toLowerCase()));
  return {
    label,
    set: { exact, folded, negate: false },
    test: (names) => {
      if (!names) return false;
      for (const n of names.exact) if (exact.has(n)) return true;
      for (const n of names.folded) if (folded.has(n)) return true;
      return false;
    },
  };
}
