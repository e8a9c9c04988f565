/**
 * The policy language's shapes, pomerium-style: a route's policy (PPL-like YAML) is compiled once
 * into plain functions and evaluated against facts the caller read from the live directory, the
 * session and the request. Nothing here knows HTTP or the database; `user-unauthenticated` vs
 * `user-unauthorized` is decided by the caller from `allow` and `reasons`.
 */
/**
 * A fact as the string matchers see it (string-matcher.ts): `exact` names compare
 * case-sensitively, `folded` names are lower-case and compare with the lower-cased value.
 */
export interface Names {
  exact: readonly string[];
  folded: readonly string[];
}

/** A group as a policy sees it (effective membership: direct or nested), as the directory names it. */
export interface GroupFact {
  id: string;
  displayName: string;
  externalId: string | null;
}

/** The names a set of groups answers to: ids and externalIds exactly, displayNames lower-cased. */
export interface GroupKeys {
  exact: ReadonlySet<string>;
  lowerCase: ReadonlySet<string>;
}

/**
 * What a policy knows about a user, built once per resolved identity (prepareUserFacts) and
 * cached with it until the directory changes, so a decision does no parsing or lower-casing.
 */
export interface UserFacts {
  id: string;
  userName: string;
  externalId: string | null;
  active: boolean;
  /** The full SCIM document as the directory stores it (core, enterprise and other extensions). */
  doc: Readonly<Record<string, unknown>>;
  /** Every `emails[].value`, lower-cased. */
  emails: readonly string[];
  /** The primary e-mail (else the first), lower-cased: the one sent as X-Auth-Request-Email. */
  primaryEmail: string | undefined;
  /** The domain of `primaryEmail` (after the last `@`), lower-cased. */
  domain: string | undefined;
  groups: readonly GroupFact[];
  groupKeys: GroupKeys;
  /** The same facts as matcher names, built once: user (id, externalId exact; userName folded), … */
  names: { user: Names; emails: Names | undefined; domain: Names | undefined; groups: Names };
  /**
   * Answers of user-only criteria that cost more than a set lookup (scim_filter, attribute),
   * by the criterion's compile-time slot. Lives exactly as long as these facts.
   */
  memo: Map<number, boolean>;
}

/** The sign-in session: when it began and the ID-token claims kept with it. */
export interface SessionFacts {
  /** ms since the epoch. */
  createdAt: number;
  /** The selected ID-token claims (sessions keep only a few; see src/access/sessions). */
  claims: Readonly<Record<string, unknown>>;
  /** Claims as matcher names, filled on first use (the session facts live as long as its identity). */
  claimNames?: Map<string, Names | undefined>;
}

/** Facts of this one request (which of them an explain or a review does not know: unknown-facts.ts). */
export interface RequestFacts {
  /** Upper-case HTTP method of the original request, when the proxy told us. */
  method?: string | undefined;
  /** The normalized original path (no query, no fragment), as route matching saw it. */
  path?: string | undefined;
  /** The client's address as told by a trusted proxy, else the TCP peer. */
  ip?: string | undefined;
  /** ms since the epoch. */
  now: number;
}

export interface PolicyFacts {
  /** Absent when the request has no (live) session: only `public`/`accept` can then hold. */
  user?: UserFacts | undefined;
  session?: SessionFacts | undefined;
  request: RequestFacts;
}

/** Stable reason strings (pomerium style); logs and tests assert these, never messages. */
export type PolicyReason =
  | 'no-policy' // allow: the route has no policy: any signed-in, active user
  | 'allow-matched' // allow: an allow rule matched and no deny rule did
  | 'public-access' // allow: without a signed-in user, through `public` or `accept`
  | 'deny-matched' // deny: a deny rule matched (deny wins)
  | 'allow-unmatched' // deny: no allow rule matched
  | 'groups-unauthorized' // deny: a required group list (allowedGroups, allowed_groups) matched none
  | 'email-unauthorized' // deny: allowed_emails did not list the user's e-mail
  | 'domain-unauthorized' // deny: allowed_email_domains did not list the e-mail's domain
  | 'user-unauthenticated' // deny: no signed-in user, and the policy needs one
  | 'user-inactive' // deny: the user is deactivated (checked before anything else)
  | 'reauthentication-required'; // deny: a fresh sign-in would allow (session_age / auth_age)

/**
 * A fact a criterion reads beyond the directory user, by the name explain and review print:
 * the session's (`claim/<name>`, `session_age`, `auth_age`) and the request's (`source_ip`,
 * `time`, `method`, `path`). Forward auth knows them all (a missing one is false); explain,
 * access review and policy tests may not (unknown-facts.ts).
 */
export type FactName = 'source_ip' | 'time' | 'method' | 'path' | 'session_age' | 'auth_age' | `claim/${string}`;

/** A truth value of three-valued (Kleene) logic: `unknown` when it depends on facts not known. */
export type Tri = boolean | 'unknown';

/** One node of an evaluated policy: the `deny-why` / `allow-why` of a decision. */
export interface ExplainNode {
  /** `policy`, `allow`, `deny`, `require`, an operator (`and`…), or the criterion's name. */
  node: string;
  /** Where it is written, e.g. `policy.allow.and.1` (route config keys are prefixed by the caller). */
  path: string;
  /** The criterion as written, e.g. `groups has "Engineering"`. */
  label: string;
  /** `unknown` only when evaluated with unknown facts (explain or review without a session or request). */
  value: Tri;
  /** Criteria only: the fact that decided it, e.g. `department = "Sales"` (or which facts are unknown). */
  fact?: string;
  /** Criteria only: the session and request facts it reads (absent: only the directory user). */
  reads?: FactName[];
  children?: ExplainNode[];
}

export interface PolicyVerdict {
  allow: boolean;
  reasons: readonly PolicyReason[];
  /** Deny only: the same request with a fresh sign-in would be allowed (answer 401, not 403). */
  reauthenticate: boolean;
  /** The whole evaluated tree with every criterion's value; only when asked for (it allocates). */
  explain?: ExplainNode;
}

/** A problem in a policy as written; `path` is relative to the policy (`allow.and.0.email`). */
export interface PolicyProblem {
  path: string;
  message: string;
}

export interface PolicyError {
  /** `invalid_policy_param`: a malformed allowed_* query parameter; `path_ambiguous`: no route can be trusted for the path. */
  code: 'invalid_policy_param' | 'path_ambiguous';
  message: string;
}
