/**
 * The routes forward auth decides by, replaceable while the server runs (a config reload). One
 * snapshot holds the routes and the resolver compiled from them; replacing them is one reference
 * assignment, so a reader sees either the old snapshot or the new one, never a mix. A decision
 * reads `current()` once and keeps that snapshot to its end: a reload during a decision cannot
 * change the answer it is building.
 */
import type { RouteConfig } from '../config/index.js';
import { createPolicyResolver, createRouteMatcher, type PolicyResolver, type RouteMatcher } from './policy/index.js';
import { claimsToKeep } from './sessions/kept-claims.js';

export interface PolicySnapshot {
  readonly routes: readonly RouteConfig[];
  readonly policyFor: PolicyResolver;
  /** The routes a request falls under (what policyFor combines), for explanations and reviews. */
  readonly match: RouteMatcher<RouteConfig>;
  /** ID-token claims a new session keeps: the usual few and every claim these policies read. */
  readonly keptClaims: readonly string[];
  /** 1 for the routes the server started with, +1 per replacement. */
  readonly version: number;
}

export interface PolicySource {
  current(): PolicySnapshot;
}

export interface ReplaceablePolicySource extends PolicySource {
  /** Compiles `routes` and makes them current for every decision that starts afterwards. */
  replace(routes: readonly RouteConfig[]): PolicySnapshot;
}

export function createPolicySource(routes: readonly RouteConfig[]): ReplaceablePolicySource {
  let snapshot = compile(routes, 1);
  return {
    current: () => snapshot,
    replace(next) {
      snapshot = compile(next, snapshot.version + 1);
      return snapshot;
    },
  };
}

function compile(routes: readonly RouteConfig[], version: number): PolicySnapshot {
  const frozen = Object.freeze([...routes]);
  return Object.freeze({
    routes: frozen,
    policyFor: createPolicyResolver(frozen),
    match: createRouteMatcher(frozen),
    keptClaims: claimsToKeep(frozen.map((route) => route.policy)),
    version,
  });
}
