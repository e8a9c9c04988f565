/**
 * The access policy's shapes, pomerium-style: a route's policy is a list of criteria compiled
 * from config (and the proxy's query), evaluated against facts the caller read from the
 * directory. Nothing here knows HTTP; `user-unauthenticated` (no session) is the HTTP side's.
 */
import type { EffectiveGroup } from '../../directory/index.js';

/**
 * "Any one of these groups": each entry names a group by id, externalId (both exact) or
 * displayName (case-insensitive). Sets are built once when the policy is parsed.
 */
export interface AllowedGroupsCriterion {
  kind: 'allowed-groups';
  /** Where it came from, for logs: `route` config or the `allowed_groups` query parameter. */
  source: 'route' | 'query';
  refs: readonly string[];
  exact: ReadonlySet<string>;
  lowerCase: ReadonlySet<string>;
}

export interface RoutePolicy {
  /** Every criterion must hold (deny wins); none means no group restriction. */
  criteria: readonly AllowedGroupsCriterion[];
}

export interface PolicyFacts {
  user: { id: string; active: boolean };
  /** Effective (direct and nested) groups. */
  groups: readonly Pick<EffectiveGroup, 'id' | 'displayName' | 'externalId'>[];
  /** `groupKeys(groups)`, when the caller keeps it across decisions; computed here otherwise. */
  groupKeys?: GroupKeys;
}

/** The names a set of groups answers to: ids and externalIds exactly, displayNames lower-cased. */
export interface GroupKeys {
  exact: ReadonlySet<string>;
  lowerCase: ReadonlySet<string>;
}

export type PolicyReason =
  | 'user-inactive' // deny: the user is deactivated (checked before anything else)
  | 'no-policy' // allow: the route has no group restriction
  | 'allowed-groups-matched' // allow: every allowed-groups criterion matched an effective group
  | 'groups-unauthorized'; // deny: some allowed-groups criterion matched none

export interface PolicyDecision {
  allow: boolean;
  reasons: PolicyReason[];
}

export interface PolicyError {
  code: 'invalid_allowed_groups' | 'path_ambiguous';
  message: string;
}
