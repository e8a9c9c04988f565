/**
 * Explain one decision without a request: which routes a URL falls under for a given directory
 * user, and what the policy said, with the evaluated tree. The admin API
 * (`POST /admin/v1/policy/explain`) and `scimgate policy explain` both answer with this; HTTP-free.
 * It reads the live directory (the user by id or userName, their effective groups) and the
 * routes current now — one snapshot for the whole explanation, like a decision.
 *
 * There is no session and no request, so facts not given are unknown rather than false
 * (src/policy/unknown-facts.ts): the session's claims and age, the client address and the method.
 * The time is given or now. The decision is then `allow`, `deny`, or `conditional` when it hangs
 * on an unknown fact (`dependsOn` names them); each criterion's value may be `unknown`. The path is
 * evaluated under every reading forward auth would use (normalize-path.ts), and the answer says
 * which reading decided.
 */
import type { EffectiveGroup, UserLookup, UserRecord } from '../directory/index.js';
import { fail, ok, type Result } from '../shared/result.js';
import {
  evaluatePartial,
  formatExplain,
  prepareUserFacts,
  readingPaths,
  unknownFacts,
  type ExplainNode,
  type FactName,
  type PartialDecision,
  type PolicyFacts,
  type SessionFacts,
  type UnknownFacts,
} from './policy/index.js';
import type { PolicySnapshot, PolicySource } from './policy-source.js';

export interface ExplainQuery {
  /** A userName or a user id. */
  user: string;
  url: string;
  /** Undefined: the request could have any method (every route it could fall under applies). */
  method?: string | undefined;
  ip?: string | undefined;
  at?: Date | undefined;
  /** The session's ID-token claims; undefined: unknown, so `claim/<name>` criteria are `unknown`. */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** Seconds since the sign-in at scimgate; undefined: unknown. */
  sessionAge?: number | undefined;
  /** Seconds since the provider's authentication (`auth_time`); undefined: unknown unless `claims` are given. */
  authAge?: number | undefined;
}

export interface ExplainDeps {
  users: { get(id: string): UserRecord | undefined };
  lookup: UserLookup;
  effectiveGroups(userId: string): EffectiveGroup[];
  policies: PolicySource;
  now?: () => Date;
}

export interface Explanation {
  /** `decision === 'allow'`: allowed whatever the unknown facts are. */
  allow: boolean;
  decision: PartialDecision;
  /** Conditional only: the unknown facts the decision hangs on (`claim/amr`, `source_ip`, …). */
  dependsOn: FactName[];
  /** The facts this explanation did not know (not given): `claims`, `session_age`, `auth_age`, `source_ip`, `method`. */
  unknown: string[];
  user: { id: string; userName: string; active: boolean };
  url: string;
  method: string | null;
  /** The routes the URL falls under (all must allow); `unrouted` when a reading matched none. */
  routes: { host: string | null; pathPrefix: string; methods: string[] | null }[];
  unrouted: boolean;
  reasons: string[];
  /**
   * Every reading of the path forward auth evaluates (literal first; a lenient one when an
   * upstream could read it differently) with its decision; `decidedBy` is the one that decided.
   */
  readings: { reading: 'literal' | 'lenient'; path: string; decision: PartialDecision }[];
  decidedBy: 'literal' | 'lenient';
  /**
   * The evaluated policy (of the reading that decided): its deny rules, requirements and allow rules, each an ExplainNode tree
   * (src/policy/types.ts) with every criterion's value and the fact that decided it.
   */
  explain: ExplainNode[];
}

export type { ExplainNode };

export type ExplainError =
  | { code: 'user_not_found'; message: string }
  | { code: 'invalid_url'; message: string }
  | { code: 'path_ambiguous'; message: string }
  | { code: 'invalid_policy'; message: string };

export function findUser(deps: Pick<ExplainDeps, 'users' | 'lookup'>, ref: string): UserRecord | undefined {
  const byId = deps.users.get(ref);
  if (byId) return byId;
  const byName = deps.lookup.findUserByAttribute('userName', ref);
  return byName.found === 'one' ? deps.users.get(byName.user.id) : undefined;
}

/** A user as explain sees them: the directory record (or fixture facts) and their effective groups. */
export interface ExplainUser {
  user: Pick<UserRecord, 'id' | 'userName' | 'externalId' | 'active' | 'doc'>;
  groups: readonly EffectiveGroup[];
}

export function explainAccess(query: ExplainQuery, deps: ExplainDeps): Result<Explanation, ExplainError> {
  if (!URL.canParse(query.url)) return fail({ code: 'invalid_url', message: `not an absolute http(s) URL: ${JSON.stringify(query.url)}` });
  const user = findUser(deps, query.user);
  if (!user) return fail({ code: 'user_not_found', message: `no directory user with id or userName ${JSON.stringify(query.user)}` });
  return explainWith(query, { user, groups: deps.effectiveGroups(user.id) }, deps.policies, deps.now);
}

/** explainAccess for a user already found (or fixture facts: `scimgate policy test`). */
export function explainWith(query: ExplainQuery, subject: ExplainUser, policies: PolicySource, now?: () => Date): Result<Explanation, ExplainError> {
  const url = URL.canParse(query.url) ? new URL(query.url) : undefined;
  if (!url || !/^https?:$/.test(url.protocol)) return fail({ code: 'invalid_url', message: `not an absolute http(s) URL: ${JSON.stringify(query.url)}` });
  const { user, groups } = subject;
  const snapshot = policies.current();
  const method = query.method?.toUpperCase();
  const policy = snapshot.policyFor(url, '', method);
  if (!policy.ok) {
    return fail({ code: policy.error.code === 'path_ambiguous' ? 'path_ambiguous' : 'invalid_policy', message: policy.error.message });
  }
  const paths = readingPaths(url.pathname);
  const at = (query.at ?? now?.() ?? new Date()).getTime();
  const facts: PolicyFacts = {
    user: prepareUserFacts(user, groups),
    session: sessionOf(query, at),
    request: { method, path: paths[0], ip: query.ip, now: at },
  };
  const unknown = unknownOf(query);
  const verdict = evaluatePartial(policy.value, facts, { unknown, paths, explain: true });
  const matched = routesOf(snapshot, url, method);
  const decidedBy = verdict.decidedBy ?? 0;
  return ok({
    allow: verdict.decision === 'allow',
    decision: verdict.decision,
    dependsOn: [...verdict.dependsOn],
    unknown: UNKNOWABLE.filter((fact) => unknown[fact]),
    user: { id: user.id, userName: user.userName, active: user.active },
    url: url.href,
    method: method ?? null,
    ...matched,
    reasons: [...verdict.reasons],
    readings: paths.map((path, index) => ({ reading: index === 0 ? 'literal' : 'lenient', path, decision: verdict.readings?.[index]?.decision ?? verdict.decision })),
    decidedBy: decidedBy === 0 ? 'literal' : 'lenient',
    explain: verdict.explain?.children ?? [],
  });
}

/** What an explanation may not know, in the order it lists them. */
const UNKNOWABLE = ['claims', 'session_age', 'auth_age', 'source_ip', 'method'] as const;

function unknownOf(query: ExplainQuery): UnknownFacts {
  return unknownFacts({
    claims: query.claims !== undefined,
    session_age: query.sessionAge !== undefined,
    // Given claims without auth_time say the session has none: auth_age is then false, not unknown.
    auth_age: query.authAge !== undefined || query.claims !== undefined,
    source_ip: query.ip !== undefined,
    method: query.method !== undefined,
    time: true,
    path: true,
  });
}

/** The session the given facts describe; the parts not given are never read (they are unknown). */
function sessionOf(query: ExplainQuery, at: number): SessionFacts | undefined {
  if (query.claims === undefined && query.sessionAge === undefined && query.authAge === undefined) return undefined;
  const claims: Record<string, unknown> = { ...query.claims };
  if (query.authAge !== undefined) claims.auth_time = Math.floor((at - query.authAge * 1000) / 1000);
  return { createdAt: at - (query.sessionAge ?? 0) * 1000, claims };
}

/** An explanation as text: the decision, the routes, then the evaluated tree (`scimgate policy explain`). */
export function formatExplanation(e: Explanation): string[] {
  const routes = e.routes.map((r) => `${r.host ?? '*'}${r.pathPrefix}${r.methods ? ` [${r.methods.join(',')}]` : ''}`);
  if (e.unrouted) routes.push('(no route: any signed-in user)');
  const why = e.decision === 'conditional' ? `depends on ${e.dependsOn.join(', ')}` : e.reasons.join(', ');
  const lines = [`${e.decision.toUpperCase()} ${e.user.userName} ${e.method ?? 'any method'} ${e.url}  (${why})`, `routes: ${routes.join(' + ') || '(none)'}`];
  if (e.readings.length > 1) {
    lines.push(`path readings: ${e.readings.map((r) => `${r.reading} ${r.path} → ${r.decision}${r.reading === e.decidedBy ? ' (decided)' : ''}`).join('; ')}`);
  }
  if (e.unknown.length > 0) lines.push(`unknown (not given): ${e.unknown.join(', ')}`);
  return [...lines, ...e.explain.flatMap((node) => formatExplain(node))];
}

function routesOf(snapshot: PolicySnapshot, url: URL, method: string | undefined): Pick<Explanation, 'routes' | 'unrouted'> {
  const match = snapshot.match(url.hostname, url.pathname, method);
  if (!match.ok) return { routes: [], unrouted: false };
  return {
    routes: match.routes.map((r) => ({ host: r.host ?? null, pathPrefix: r.pathPrefix, methods: r.methods ?? null })),
    unrouted: match.unrouted,
  };
}
