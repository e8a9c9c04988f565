/**
 * oauth2-proxy's query parameters on the auth subrequest (`/oauth2/auth?allowed_groups=a,b`),
 * each a requirement that narrows what the route allows — the intersection, never a widening:
 * - `allowed_groups`: member of any listed group (effective membership; id, externalId or
 *   displayName, as the `groups` criterion);
 * - `allowed_emails`: the user's primary directory e-mail (the one in X-Auth-Request-Email) is
 *   listed; case-insensitive;
 * - `allowed_email_domains`: that e-mail's domain is listed; `*.example.com` (or `.example.com`)
 *   means any subdomain of example.com, not example.com itself; `*` means any domain (the user
 *   must still have an e-mail). Case-insensitive.
 * Each occurrence of a parameter is its own requirement (`?allowed_groups=a&allowed_groups=b`
 * needs both). An empty or malformed value fails (usually a proxy templating bug) instead of
 * silently meaning "no restriction"; the caller denies.
 */
import { fail, ok, type Result } from '../shared/result.js';
import { criterionNode, type Requirement } from './compile.js';
import type { CompiledCriterion } from './criteria/criterion.js';
import { shortList } from './criteria/criterion.js';
import { groupsRequirement } from './route-policy.js';
import type { PolicyError, PolicyFacts } from './types.js';

export const ALLOWED_GROUPS_PARAM = 'allowed_groups';
export const ALLOWED_EMAILS_PARAM = 'allowed_emails';
export const ALLOWED_EMAIL_DOMAINS_PARAM = 'allowed_email_domains';
export const POLICY_PARAMS = [ALLOWED_GROUPS_PARAM, ALLOWED_EMAILS_PARAM, ALLOWED_EMAIL_DOMAINS_PARAM] as const;
export const MAX_GROUPS_PER_LIST = 256;
export const MAX_GROUP_REF_LENGTH = 256;

const invalid = (message: string): Result<never, PolicyError> => fail({ code: 'invalid_policy_param', message });

/** `a, b ,c` → ['a','b','c']; fails on an empty list, empty entries or oversized input. */
export function parseListParam(name: string, value: string): Result<string[], PolicyError> {
  const refs = value.split(',').map((ref) => ref.trim());
  if (refs.some((ref) => ref === '')) return invalid(`${name} has an empty entry: "${value.slice(0, 100)}"`);
  if (refs.length > MAX_GROUPS_PER_LIST) return invalid(`${name} lists more than ${MAX_GROUPS_PER_LIST} entries`);
  if (refs.some((ref) => ref.length > MAX_GROUP_REF_LENGTH)) return invalid(`${name} has an entry over ${MAX_GROUP_REF_LENGTH} characters`);
  return ok(refs);
}

/** Kept for callers of the groups-only form. */
export const parseAllowedGroupsParam = (value: string): Result<string[], PolicyError> => parseListParam(ALLOWED_GROUPS_PARAM, value);

function emailCriterion(emails: readonly string[]): CompiledCriterion {
  const listed = new Set(emails.map((e) => e.toLowerCase()));
  return {
    name: 'email',
    label: `${ALLOWED_EMAILS_PARAM} ${shortList(emails)}`,
    reads: [],
    test: (facts: PolicyFacts) => facts.user?.primaryEmail !== undefined && listed.has(facts.user.primaryEmail),
    fact: (facts) => (facts.user ? `primary e-mail ${JSON.stringify(facts.user.primaryEmail ?? null)}` : 'not signed in'),
  };
}

function domainCriterion(domains: readonly string[]): CompiledCriterion {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let any = false;
  for (const raw of domains) {
    const d = raw.toLowerCase();
    if (d === '*') any = true;
    else if (d.startsWith('*.')) suffixes.push(d.slice(1));
    else if (d.startsWith('.')) suffixes.push(d);
    else exact.add(d);
  }
  return {
    name: 'domain',
    label: `${ALLOWED_EMAIL_DOMAINS_PARAM} ${shortList(domains)}`,
    reads: [],
    test: (facts: PolicyFacts) => {
      const domain = facts.user?.domain;
      if (domain === undefined) return false;
      if (any || exact.has(domain)) return true;
      for (const suffix of suffixes) if (domain.endsWith(suffix)) return true;
      return false;
    },
    fact: (facts) => (facts.user ? `domain ${JSON.stringify(facts.user.domain ?? null)}` : 'not signed in'),
  };
}

/** The requirements the subrequest's query adds; only the three parameters are read. */
export function queryRequirements(query: URLSearchParams): Result<Requirement[], PolicyError> {
  const out: Requirement[] = [];
  for (const [name, value] of query) {
    if (!(POLICY_PARAMS as readonly string[]).includes(name)) continue;
    const list = parseListParam(name, value);
    if (!list.ok) return list;
    const path = `query.${name}`;
    if (name === ALLOWED_GROUPS_PARAM) {
      const requirement = groupsRequirement(list.value, path);
      if (!requirement.ok) return invalid(`${name}: ${requirement.error.map((p) => p.message).join('; ')}`);
      out.push(requirement.value);
    } else if (name === ALLOWED_EMAILS_PARAM) {
      out.push({ node: criterionNode(emailCriterion(list.value), path), reason: 'email-unauthorized' });
    } else {
      out.push({ node: criterionNode(domainCriterion(list.value), path), reason: 'domain-unauthorized' });
    }
  }
  return ok(out);
}
