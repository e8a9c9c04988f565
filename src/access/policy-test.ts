/**
 * Policy unit tests for a customer's CI (`scimgate policy test TESTFILE`): YAML cases, each a
 * user (a userName or id from the file's fixture `users:` or the live directory, or inline user
 * facts), a URL with optional method, client address, time, session claims and session and
 * authentication age, and the expected `allow`, `deny` or `conditional`. Each case is decided
 * exactly as explain decides it (explain.ts: the routes current now, the compiled policy, the same
 * facts): a fact the case does not give is unknown, so a policy that hangs on it answers
 * `conditional` — which passes only a case that expects it. Parsing never throws: a malformed file
 * is a list of problems naming the case and key.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import type { EffectiveGroup, UserRecord } from '../directory/index.js';
import { parseDuration } from '../shared/duration.js';
import { fail, ok, type Result } from '../shared/result.js';
import { explainWith, type ExplainQuery, type Explanation, type ExplainUser } from './explain.js';
import type { PolicySource } from './policy-source.js';

const groupRef = z.union([
  z.string().min(1),
  z.strictObject({ id: z.string().min(1).optional(), displayName: z.string().min(1), externalId: z.string().min(1).optional() }),
]);

const fixtureUser = z.strictObject({
  userName: z.string().min(1),
  id: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
  active: z.boolean().default(true),
  emails: z.array(z.string().min(1)).optional(),
  /** Effective groups (nested ones included), by displayName or {id, displayName, externalId}. */
  groups: z.array(groupRef).default([]),
  /** Further SCIM attributes of the user document (`title`, the enterprise extension, …). */
  attributes: z.record(z.string(), z.unknown()).default({}),
});

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 30m, 2h or 1d' });
  return seconds ?? 0;
});

const testCase = z.strictObject({
  name: z.string().min(1).optional(),
  user: z.union([z.string().min(1), fixtureUser]),
  url: z.string().min(1),
  method: z.string().regex(/^[A-Za-z]{1,20}$/, { message: 'must be an HTTP method such as GET or POST' }).optional(),
  ip: z.string().min(1).optional(),
  at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-12-02T10:00:00Z' }).optional(),
  /** The session's ID-token claims (`amr: [pwd, mfa]`); absent: unknown. */
  claims: z.record(z.string(), z.unknown()).optional(),
  session_age: duration.optional(),
  auth_age: duration.optional(),
  expect: z.enum(['allow', 'deny', 'conditional']),
});

const testFile = z.strictObject({
  users: z.array(fixtureUser).optional(),
  cases: z.array(testCase).min(1),
});

export type FixtureUser = z.infer<typeof fixtureUser>;
export type PolicyTestCase = z.infer<typeof testCase>;
export interface PolicyTestFile {
  users: FixtureUser[] | undefined;
  cases: PolicyTestCase[];
}

/** The test file's problems, each `cases.2.expect: must be one of "allow", "deny"`. */
export function parsePolicyTests(text: string): Result<PolicyTestFile, string[]> {
  let raw: unknown;
  try {
    raw = parse(text, { uniqueKeys: true });
  } catch (error) {
    return fail([`not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`]);
  }
  const parsed = testFile.safeParse(raw);
  if (!parsed.success) {
    return fail(
      parsed.error.issues.map((issue) => {
        const where = issue.path.join('.') || 'file';
        return issue.code === 'unrecognized_keys' ? `${where}: unknown key(s) ${issue.keys.join(', ')}` : `${where}: ${issue.message}`;
      }),
    );
  }
  return ok({ users: parsed.data.users, cases: parsed.data.cases });
}

export interface CaseOutcome {
  index: number;
  name: string;
  passed: boolean;
  expected: PolicyTestCase['expect'];
  /** What the policy said, or why the case could not be decided. */
  got: PolicyTestCase['expect'] | 'error';
  detail: string;
  explanation?: Explanation;
}

export interface PolicyTestDeps {
  policies: PolicySource;
  /** The live directory, used when the file has no fixture `users:` and a case names a user. */
  directory?: (ref: string) => ExplainUser | undefined;
}

export function runPolicyTests(file: PolicyTestFile, deps: PolicyTestDeps): CaseOutcome[] {
  const fixtures = file.users?.map(toExplainUser);
  const byRef = (ref: string): ExplainUser | undefined => {
    if (fixtures) return fixtures.find((u) => u.user.id === ref || u.user.userName.toLowerCase() === ref.toLowerCase());
    return deps.directory?.(ref);
  };
  return file.cases.map((c, index) => {
    const name = c.name ?? `${typeof c.user === 'string' ? c.user : c.user.userName} ${c.method ?? ''} ${c.url}`.replace(/\s+/g, ' ');
    const subject = typeof c.user === 'string' ? byRef(c.user) : toExplainUser(c.user);
    if (!subject) return { index, name, passed: false, expected: c.expect, got: 'error', detail: `no user ${JSON.stringify(c.user)} in ${fixtures ? 'the file\'s users' : 'the directory'}` };
    const query: ExplainQuery = {
      user: subject.user.id,
      url: c.url,
      method: c.method,
      ip: c.ip,
      at: c.at ? new Date(c.at) : undefined,
      claims: c.claims,
      sessionAge: c.session_age,
      authAge: c.auth_age,
    };
    const result = explainWith(query, subject, deps.policies);
    if (!result.ok) return { index, name, passed: false, expected: c.expect, got: 'error', detail: result.error.message };
    const got = result.value.decision;
    const detail = got === 'conditional' ? `depends on ${result.value.dependsOn.join(', ')}` : result.value.reasons.join(', ');
    return { index, name, passed: got === c.expect, expected: c.expect, got, detail, explanation: result.value };
  });
}

function toExplainUser(fixture: FixtureUser): ExplainUser {
  const id = fixture.id ?? `fixture:${fixture.userName}`;
  const doc: Record<string, unknown> = { ...fixture.attributes, userName: fixture.userName, active: fixture.active };
  if (fixture.emails) doc.emails = fixture.emails.map((value, i) => ({ value, primary: i === 0 }));
  const groups: EffectiveGroup[] = fixture.groups.map((g) =>
    typeof g === 'string' ? { id: `fixture-group:${g}`, displayName: g, externalId: null } : { id: g.id ?? `fixture-group:${g.displayName}`, displayName: g.displayName, externalId: g.externalId ?? null },
  );
  const user: Pick<UserRecord, 'id' | 'userName' | 'externalId' | 'active' | 'doc'> = { id, userName: fixture.userName, externalId: fixture.externalId ?? null, active: fixture.active, doc: doc as UserRecord['doc'] };
  return { user, groups };
}
