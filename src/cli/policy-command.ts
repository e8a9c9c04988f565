/**
 * `scimgate policy explain --user U --url URL [--method M] [--ip A] [--at ISO] [--claim NAME=VALUE]…
 * [--session-age D] [--auth-age D] [--format text|json]`: the decision for a directory user and a
 * URL, with the whole evaluated tree — allow, deny, or conditional on the facts not given; and
 * `scimgate policy test TESTFILE`: YAML cases against the config's routes and fixture users (or
 * the live database), `N passed, M failed`. Exit codes: 0 done / all passed, 1 a case failed or
 * the question could not be answered, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { explainAccess, formatExplanation, parsePolicyTests, runPolicyTests, type ExplainDeps, type PolicyTestDeps } from '../access/index.js';
import { fail, ok, type Result } from '../shared/result.js';
import { parseDuration } from '../shared/duration.js';
import { parseInstant } from '../shared/instant.js';
import type { CommandOutput } from './token-command.js';

export const POLICY_USAGE = [
  'Usage:',
  '  scimgate policy explain --user USER --url URL [--method M] [--ip ADDRESS] [--at ISO-8601]',
  '                         [--claim NAME=VALUE]... [--session-age D] [--auth-age D] [--format text|json]',
  '        the decision for directory USER (userName or id) asking for URL, and the evaluated policy:',
  '        allow, deny, or conditional when it depends on a fact not given (claims, session or',
  '        authentication age, client address, method). --claim amr=mfa, --claim \'amr=["pwd","mfa"]\';',
  '        D is a duration: 90s, 30m, 2h, 1d',
  '  scimgate policy test TESTFILE',
  '        run the YAML cases in TESTFILE (docs/policy.md); exit 1 if any fails',
].join('\n');

export function runPolicyCommand(
  args: readonly string[],
  flags: ReadonlyMap<string, string>,
  deps: { explain: () => ExplainDeps; tests: (fixtures: boolean) => PolicyTestDeps },
  out: CommandOutput,
  repeated: ReadonlyMap<string, readonly string[]> = new Map(),
): number {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'explain': {
      const user = flags.get('user');
      const url = flags.get('url');
      if (!user || user === 'true' || !url || url === 'true' || rest.length > 0) return usage(out, 'policy explain takes --user USER and --url URL');
      const atText = flags.get('at');
      const at = atText === undefined ? undefined : parseInstant(atText);
      if (atText !== undefined && at === undefined) return usage(out, `--at must be an ISO 8601 date-time (UTC unless it names a zone), got "${atText}"`);
      const format = flags.get('format') ?? 'text';
      if (format !== 'text' && format !== 'json') return usage(out, `--format must be text or json, got "${format}"`);
      const session = sessionFlags(flags, repeated.get('claim') ?? (flags.has('claim') ? [flags.get('claim') as string] : []));
      if (!session.ok) return usage(out, session.error);
      const result = explainAccess({ user, url, method: flags.get('method'), ip: flags.get('ip'), at, ...session.value }, deps.explain());
      if (!result.ok) return failed(out, result.error.message);
      if (format === 'json') out.log(JSON.stringify(result.value, null, 2));
      else for (const line of formatExplanation(result.value)) out.log(line);
      return 0;
    }
    case 'test': {
      const [file] = rest;
      if (!file || rest.length > 1) return usage(out, 'policy test takes exactly one TESTFILE');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        return failed(out, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      const parsed = parsePolicyTests(text);
      if (!parsed.ok) {
        for (const problem of parsed.error) out.error(`${file}: ${problem}`);
        return 1;
      }
      const outcomes = runPolicyTests(parsed.value, deps.tests(parsed.value.users !== undefined));
      for (const o of outcomes) {
        out.log(`${o.passed ? 'ok  ' : 'FAIL'} ${o.index + 1}. ${o.name}: expected ${o.expected}, got ${o.got}${o.detail ? ` (${o.detail})` : ''}`);
        if (!o.passed && o.explanation) for (const line of formatExplanation(o.explanation).slice(1)) out.log(`       ${line}`);
      }
      const failedCount = outcomes.filter((o) => !o.passed).length;
      out.log(`${outcomes.length - failedCount} passed, ${failedCount} failed`);
      return failedCount === 0 ? 0 : 1;
    }
    case 'help':
      out.log(POLICY_USAGE);
      return 0;
    default:
      return usage(out, sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`);
  }
}

/** Whether a test file brings its own users (then no database is opened). Unreadable: false, the command reports it. */
export function testHasFixtures(file: string | undefined): boolean {
  if (!file) return false;
  try {
    const parsed = parsePolicyTests(readFileSync(file, 'utf8'));
    return parsed.ok && parsed.value.users !== undefined;
  } catch {
    return false;
  }
}

interface SessionInputs {
  claims?: Record<string, unknown>;
  sessionAge?: number;
  authAge?: number;
}

/** `--claim NAME=VALUE` (a JSON list or object as VALUE is read as JSON), `--session-age D`, `--auth-age D`. */
export function sessionFlags(flags: ReadonlyMap<string, string>, claimFlags: readonly string[]): Result<SessionInputs, string> {
  const inputs: SessionInputs = {};
  for (const text of claimFlags) {
    const eq = text.indexOf('=');
    if (eq <= 0) return fail(`--claim must be NAME=VALUE, got "${text}"`);
    const name = text.slice(0, eq);
    const raw = text.slice(eq + 1);
    let value: unknown = raw;
    if (/^\s*[[{]/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        return fail(`--claim ${name}: the value starts like JSON but is not JSON: ${raw}`);
      }
    }
    inputs.claims = { ...inputs.claims, [name]: value };
  }
  for (const [flag, key] of [['session-age', 'sessionAge'], ['auth-age', 'authAge']] as const) {
    const raw = flags.get(flag);
    if (raw === undefined) continue;
    const seconds = parseDuration(raw);
    if (seconds === undefined) return fail(`--${flag} must be a duration such as 90s, 30m, 2h or 1d, got "${raw}"`);
    inputs[key] = seconds;
  }
  return ok(inputs);
}

function usage(out: CommandOutput, message: string): number {
  out.error(`error: ${message}\n\n${POLICY_USAGE}`);
  return 2;
}

function failed(out: CommandOutput, message: string): number {
  out.error(`error: ${message}`);
  return 1;
}

