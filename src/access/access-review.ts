/**
 * Access review: every directory user who can reach a URL, and why — the question no forward-auth
 * product answers. The directory is read in bulk (directory/bulk-reads.ts: set-based, one
 * snapshot), the URL's compiled policy is evaluated per user exactly as a decision would, and an
 * allowed user's reasons are the allow criteria that held, a nested membership spelled out as the
 * chain of groups (`alice → Platform Team → Engineering`). A review has no session and no request
 * but the URL (and the method, when given): the claims, session and authentication age, client
 * address, time and method are unknown (src/policy/unknown-facts.ts) and the policy is evaluated
 * three-valued. A user whose outcome hangs on them is listed as `conditional`, with the facts it
 * depends on (`claim/amr`, `source_ip`, `time`, …); a user is left out only when denied whatever
 * they are. The path is evaluated under every reading forward auth would use. HTTP-free; the CLI
 * prints it.
 */
import { membershipPath, type BulkGroup, type BulkReads, type BulkUser, type GroupGraph, type UserLookup } from '../directory/index.js';
import { fail, ok, type Result } from '../shared/result.js';
import type { PolicySource } from './policy-source.js';
import {
  evaluatePartial,
  explainLeaves,
  groupKeys,
  prepareUserFacts,
  readingPaths,
  UNKNOWN,
  unknownFacts,
  type CompiledPolicy,
  type ExplainNode,
  type FactName,
  type GroupKeys,
  type PartialVerdict,
  type UnknownFacts,
} from './policy/index.js';

export type Reach = 'allowed' | 'conditional';

export interface ReviewEntry {
  id: string;
  userName: string;
  reach: Reach;
  /** Why: one line per allow criterion that held (a nested group as its chain), then what it depends on. */
  reasons: string[];
  /** Conditional only: the unknown facts the outcome hangs on (`claim/amr`, `source_ip`, `time`, `method`, …). */
  dependsOn: FactName[];
}

/** What a review asks about: the URL's path readings, and its method when given (else unknown). */
export interface ReviewRequest {
  method?: string | undefined;
  /** readingPaths of the URL's path: every reading forward auth would evaluate. */
  paths: readonly string[];
}

/** Nothing of a session or request is known to a review but the path (and the method, when given). */
export function reviewUnknowns(method: string | undefined): UnknownFacts {
  return unknownFacts({ path: true, method: method !== undefined });
}

/** Evaluates `policy` for one user, three-valued: allowed, conditional, or (undefined) denied whatever the unknown facts. */
export function reviewUser(policy: CompiledPolicy, user: BulkUser, graph: GroupGraph, request: ReviewRequest, keys?: GroupKeys): ReviewEntry | undefined {
  if (!user.active) return undefined;
  // The clock is unknown to a review (`time`), so `now` is never read; any number will do.
  const facts = { user: prepareUserFacts(user, user.effectiveGroups, keys ?? groupKeys(user.effectiveGroups)), request: { method: request.method, path: request.paths[0], now: 0 } };
  const options = { unknown: reviewUnknowns(request.method), paths: request.paths };
  const verdict = evaluatePartial(policy, facts, options);
  if (verdict.decision === 'deny') return undefined;
  const explained = evaluatePartial(policy, facts, { ...options, explain: true });
  return {
    id: user.id,
    userName: user.userName,
    reach: verdict.decision === 'allow' ? 'allowed' : 'conditional',
    reasons: reasonsOf(explained, user, graph),
    dependsOn: [...verdict.dependsOn],
  };
}

/** Group keys per effective-group list: users in the same single group share both. */
export function groupKeysCache(): (groups: readonly BulkGroup[]) => GroupKeys {
  const cache = new WeakMap<readonly BulkGroup[], GroupKeys>();
  return (groups) => {
    let keys = cache.get(groups);
    if (!keys) cache.set(groups, (keys = groupKeys(groups)));
    return keys;
  };
}

function reasonsOf(verdict: PartialVerdict, user: BulkUser, graph: GroupGraph): string[] {
  const tree = verdict.explain;
  if (!tree) return [];
  // The allow side: requirements and allow rules (a deny rule that held would have denied).
  const leaves = (tree.children ?? []).filter((rule) => rule.node !== 'deny').flatMap(explainLeaves);
  // "Any signed-in user" says nothing when something more specific held too.
  const held = leaves.filter((leaf) => leaf.value === true);
  const specific = held.filter((leaf) => leaf.path !== 'default');
  const lines = (specific.length > 0 ? specific : held).map((leaf) => groupChain(leaf, user, graph) ?? describe(leaf));
  // For a conditional outcome, the criteria it hangs on (deny rules included: they may yet hold).
  if (verdict.decision === 'conditional') for (const leaf of undecided(tree)) lines.push(`depends on ${leaf.label.replace(/^require /, '')}`);
  return [...new Set(lines)];
}

/** The unknown criteria under unknown nodes: those a conditional outcome hangs on. */
function undecided(node: ExplainNode): ExplainNode[] {
  if (node.value !== UNKNOWN) return [];
  if (!node.children || node.children.length === 0) return node.fact !== undefined ? [node] : [];
  return node.children.flatMap(undecided);
}

function describe(leaf: ExplainNode): string {
  const label = leaf.label.replace(/^require /, '');
  return leaf.fact !== undefined ? `${label} (${leaf.fact})` : label;
}

const GROUPS_LABEL = /^(?:require )?groups (?:is|has|in) /;

/** `alice → Platform Team → Engineering` for a groups criterion naming Engineering. */
function groupChain(leaf: ExplainNode, user: BulkUser, graph: GroupGraph): string | undefined {
  if (!GROUPS_LABEL.test(leaf.label) || leaf.value !== true) return undefined;
  const named = quoted(leaf.label).map((name) => name.toLowerCase());
  const target = user.effectiveGroups.find((g) => named.includes(g.id.toLowerCase()) || (g.externalId !== null && named.includes(g.externalId.toLowerCase())) || named.includes(g.displayName.toLowerCase()));
  if (!target) return undefined;
  const chain = membershipPath(graph, user.directGroups, target.key);
  return chain ? [user.userName, ...chain.map((g) => g.displayName)].join(' → ') : undefined;
}

/** The JSON strings in a criterion's label (`groups has "Engineering"`, `groups in ["A", "B"]`). */
function quoted(label: string): string[] {
  const out: string[] = [];
  for (const match of label.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    try {
      out.push(JSON.parse(match[0]) as string);
    } catch {
      // not a JSON string after all
    }
  }
  return out;
}

export interface UrlReview {
  url: string;
  method: string | null;
  /** The routes the URL falls under (all must allow). */
  routes: { host: string | null; pathPrefix: string }[];
  /** Users visited (every directory user, active or not). */
  scanned: number;
  entries: ReviewEntry[];
}

export interface ReviewDeps {
  bulk: BulkReads;
  policies: PolicySource;
}

export type ReviewError = { code: 'invalid_url' | 'path_ambiguous' | 'invalid_policy' | 'user_not_found'; message: string };

/** Every directory user who can reach `url` (allowed or conditional), with reasons. */
export function reviewUrl(query: { url: string; method?: string | undefined }, deps: ReviewDeps): Result<UrlReview, ReviewError> {
  const url = URL.canParse(query.url) ? new URL(query.url) : undefined;
  if (!url || !/^https?:$/.test(url.protocol)) return fail({ code: 'invalid_url', message: `not an absolute http(s) URL: ${JSON.stringify(query.url)}` });
  const snapshot = deps.policies.current();
  const method = query.method?.toUpperCase();
  const policy = snapshot.policyFor(url, '', method);
  if (!policy.ok) return fail({ code: policy.error.code === 'path_ambiguous' ? 'path_ambiguous' : 'invalid_policy', message: policy.error.message });
  const matched = snapshot.match(url.hostname, url.pathname, method);
  const request: ReviewRequest = { method, paths: readingPaths(url.pathname) };
  const keysOf = groupKeysCache();
  const entries: ReviewEntry[] = [];
  let scanned = 0;
  deps.bulk.scanUsers((user, graph) => {
    scanned++;
    const entry = reviewUser(policy.value, user, graph, request, keysOf(user.effectiveGroups));
    if (entry) entries.push(entry);
  });
  entries.sort((a, b) => a.userName.localeCompare(b.userName));
  return ok({
    url: url.href,
    method: method ?? null,
    routes: matched.ok ? matched.routes.map((r) => ({ host: r.host ?? null, pathPrefix: r.pathPrefix })) : [],
    scanned,
    entries,
  });
}

export interface RouteReach {
  host: string | null;
  pathPrefix: string;
  methods: string[] | null;
  reach: Reach | 'denied';
  reasons: string[];
  dependsOn: FactName[];
}

/** Every configured route and whether the user (by userName or id) can reach it. */
export function reviewUserRoutes(ref: string, deps: ReviewDeps & { users: { get(id: string): { id: string } | undefined }; lookup: UserLookup }): Result<{ user: { id: string; userName: string; active: boolean }; routes: RouteReach[] }, ReviewError> {
  const found = deps.users.get(ref) ?? (() => {
    const byName = deps.lookup.findUserByAttribute('userName', ref);
    return byName.found === 'one' ? { id: byName.user.id } : undefined;
  })();
  const loaded = found ? deps.bulk.user(found.id) : undefined;
  if (!loaded) return fail({ code: 'user_not_found', message: `no directory user with id or userName ${JSON.stringify(ref)}` });
  const { user, graph } = loaded;
  const routes = deps.policies.current().routes.map((route): RouteReach => {
    const request: ReviewRequest = { method: route.methods?.length === 1 ? route.methods[0] : undefined, paths: readingPaths(route.pathPrefix) };
    const entry = reviewUser(route.policy, user, graph, request);
    return {
      host: route.host ?? null,
      pathPrefix: route.pathPrefix,
      methods: route.methods ?? null,
      reach: entry?.reach ?? 'denied',
      reasons: entry?.reasons ?? [],
      dependsOn: entry?.dependsOn ?? [],
    };
  });
  return ok({ user: { id: user.id, userName: user.userName, active: user.active }, routes });
}
