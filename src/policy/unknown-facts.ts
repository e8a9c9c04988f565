/**
 * Which facts an evaluation does not know. Forward auth knows every fact of its request and
 * session: one that is missing (no claim, no client address) is false, fail-closed, and it never
 * looks here. Explain, access review and policy tests ask about a user without a live session or
 * request, so the session's claims and age, and the request's address, time or method may be
 * unknown — a criterion reading one is then `unknown` (kleene.ts), and an outcome that hangs on it
 * is `conditional`, not a deny. What each caller knows:
 *   - access review / access user: nothing of a session or request but the URL (and the method,
 *     when given): who *could* reach it;
 *   - explain / policy test: the time (given, or now); the address, method, claims, session and
 *     authentication age when given.
 */
import type { FactName } from './types.js';

export interface UnknownFacts {
  /** Every `claim/<name>` (the session's claims were not given). */
  readonly claims: boolean;
  readonly session_age: boolean;
  /** The provider's `auth_time` (auth_age). */
  readonly auth_age: boolean;
  readonly source_ip: boolean;
  readonly time: boolean;
  readonly method: boolean;
  readonly path: boolean;
}

/** Everything known: a two-valued evaluation, as forward auth's. */
export const NOTHING_UNKNOWN: UnknownFacts = Object.freeze({ claims: false, session_age: false, auth_age: false, source_ip: false, time: false, method: false, path: false });

/** Nothing of a session or a request known but what `known` says. */
export function unknownFacts(known: Partial<Record<keyof UnknownFacts, boolean>> = {}): UnknownFacts {
  const unknown = (key: keyof UnknownFacts): boolean => known[key] !== true;
  return Object.freeze({
    claims: unknown('claims'),
    session_age: unknown('session_age'),
    auth_age: unknown('auth_age'),
    source_ip: unknown('source_ip'),
    time: unknown('time'),
    method: unknown('method'),
    path: unknown('path'),
  });
}

export function isUnknown(unknown: UnknownFacts, fact: FactName): boolean {
  return fact.startsWith('claim/') ? unknown.claims : unknown[fact as Exclude<FactName, `claim/${string}`>];
}

/** Whether any of `reads` is unknown (no allocation: it runs per criterion per user in a review). */
export function anyUnknown(unknown: UnknownFacts, reads: readonly FactName[]): boolean {
  for (const fact of reads) if (isUnknown(unknown, fact)) return true;
  return false;
}

/** The facts among `reads` that are unknown. */
export function unknownAmong(unknown: UnknownFacts, reads: readonly FactName[]): FactName[] {
  return reads.filter((fact) => isUnknown(unknown, fact));
}
