/**
 * Which ID-token claims a session keeps for policies (`claim/<name>`, `auth_age`): a few
 * well-known ones plus every claim a configured policy names — never the whole token, which can
 * be large (Entra's `groups` overage) and is nobody's business once the user is linked. Values
 * are bounded so a provider cannot grow the sessions table without limit.
 */

/** Kept whatever the policies say: what conditional-access style rules usually read. */
export const DEFAULT_KEPT_CLAIMS: readonly string[] = ['amr', 'acr', 'tid', 'idp', 'auth_time'];

/** A claim whose JSON is longer is dropped (the policy then sees a missing fact: false). */
export const MAX_CLAIM_JSON = 2048;
export const MAX_KEPT_CLAIMS = 64;

export function keptClaims(claims: Readonly<Record<string, unknown>>, names: readonly string[] = DEFAULT_KEPT_CLAIMS): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  let count = 0;
  for (const name of names) {
    if (count >= MAX_KEPT_CLAIMS) break;
    if (!Object.hasOwn(claims, name) || name === '__proto__') continue;
    const value = claims[name];
    if (value === undefined) continue;
    const json = JSON.stringify(value);
    if (json === undefined || json.length > MAX_CLAIM_JSON) continue;
    kept[name] = value;
    count += 1;
  }
  return kept;
}

/** The default claims and every claim the policies read, without repeats. */
export function claimsToKeep(policies: Iterable<{ claims: readonly string[] }>): string[] {
  const names = new Set(DEFAULT_KEPT_CLAIMS);
  for (const policy of policies) for (const name of policy.claims) names.add(name);
  return [...names];
}
