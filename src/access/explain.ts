/**
 * Explain one decision without a request: which routes a URL falls under for a given directory
 * user, and what the policy said, with the evaluated tree. The admin API
 * (`POST /admin/v1/policy/explain`) and `scimgate policy explain` both answer with this; HTTP-free.
 * It reads the live directory (the user by id or userName, their effective groups) and the
 * routes current now — one snapshot for the whole explanation, like a decision.
 */
import type { EffectiveGroup, UserLookup, UserRecord } from '../directory/index.js';
import { fail, ok, type Result } from '../shared/result.js';
import { evaluatePolicy, formatExplain, pathReadings, prepareUserFacts, type ExplainNode, type PolicyFacts } from './policy/index.js';
import type { PolicySnapshot, PolicySource } from './policy-source.js';

export interface ExplainQuery {
  /** A userName or a user id. */
  user: string;
  url: string;
  /** Undefined: the request could have any method (every route it could fall under applies). */
  method?: string | undefined;
  ip?: string | undefined;
  at?: Date | undefined;
}

export interface ExplainDeps {
  users: { get(id: string): UserRecord | undefined };
  lookup: UserLookup;
  effectiveGroups(userId: string): EffectiveGroup[];
  policies: PolicySource;
  now?: () => Date;
}

export interface Explanation {
  allow: boolean;
  user: { id: string; userName: string; active: boolean };
  url: string;
  method: string | null;
  /** The routes the URL falls under (all must allow); `unrouted` when a reading matched none. */
  routes: { host: string | null; pathPrefix: string; methods: string[] | null }[];
  unrouted: boolean;
  reasons: string[];
  /**
   * The evaluated policy: its deny rules, requirements and allow rules, each an ExplainNode tree
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
  const readings = pathReadings(url.pathname);
  // No session: claim/<name>, session_age and auth_age have no facts here, so they are false.
  const facts: PolicyFacts = {
    user: prepareUserFacts(user, groups),
    request: { method, path: readings.ok ? readings.literal : undefined, ip: query.ip, now: (query.at ?? now?.() ?? new Date()).getTime() },
  };
  const verdict = evaluatePolicy(policy.value, facts, { explain: true });
  const matched = routesOf(snapshot, url, method);
  return ok({
    allow: verdict.allow,
    user: { id: user.id, userName: user.userName, active: user.active },
    url: url.href,
    method: method ?? null,
    ...matched,
    reasons: [...verdict.reasons],
    explain: verdict.explain?.children ?? [],
  });
}

/** An explanation as text: the decision, the routes, then the evaluated tree (`scimgate policy explain`). */
export function formatExplanation(e: Explanation): string[] {
  const routes = e.routes.map((r) => `${r.host ?? '*'}${r.pathPrefix}${r.methods ? ` [${r.methods.join(',')}]` : ''}`);
  if (e.unrouted) routes.push('(no route: any signed-in user)');
  return [
    `${e.allow ? 'ALLOW' : 'DENY'} ${e.user.userName} ${e.method ?? 'any method'} ${e.url}  (${e.reasons.join(', ')})`,
    `routes: ${routes.join(' + ') || '(none)'}`,
    ...e.explain.flatMap((node) => formatExplain(node)),
  ];
}

function routesOf(snapshot: PolicySnapshot, url: URL, method: string | undefined): Pick<Explanation, 'routes' | 'unrouted'> {
  const match = snapshot.match(url.hostname, url.pathname, method);
  if (!match.ok) return { routes: [], unrouted: false };
  return {
    routes: match.routes.map((r) => ({ host: r.host ?? null, pathPrefix: r.pathPrefix, methods: r.methods ?? null })),
    unrouted: match.unrouted,
  };
}
