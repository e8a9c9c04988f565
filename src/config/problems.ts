/**
 * Configuration problems: every problem found, each naming the key it is about
 * (`oidc.clientId: required`), never a raw zod dump. One error type with a stable code.
 */
import type { z } from 'zod';

export interface ConfigProblem {
  /** Dotted key path, e.g. `oidc.entra.allowedTenants.0`; `''` for the file as a whole. */
  path: string;
  message: string;
  /** The line in the config file the key is written on (1-based), when it came from the file. */
  line?: number;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(['invalid configuration:', ...problems.map((p) => `  - ${formatProblem(p)}`)].join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  const at = problem.line !== undefined ? ` (line ${problem.line})` : '';
  return problem.path === '' ? problem.message : `${problem.path}${at}: ${problem.message}`;
}

export function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * Turn zod issues into problems. `envSources` maps a key path to the environment variable that
 * supplied it, so a bad `PORT=abc` is reported as `server.port (from PORT): …`.
 */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], envSources: ReadonlyMap<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: joinPath([...issue.path, key]), message: 'unknown key' });
      continue;
    }
    const path = joinPath(issue.path);
    const source = envSources.get(path);
    problems.push({ path: source ? `${path} (from ${source})` : path, message: describeIssue(issue) });
  }
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      if (issue.expected === 'int') return 'must be a whole number';
      return `must be ${article(issue.expected)}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `must list at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters`;
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      // Our regexes carry their own human message; built-in formats get a generic one.
      return issue.format === 'regex' ? issue.message : `must be a valid ${issue.format}`;
    default:
      // Our own refinements carry a message written for humans.
      return issue.message;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
