/**
 * `session_age` and `auth_age`: force a fresh sign-in after a duration.
 * - `session_age`: time since this scimgate session began (the sign-in at scimgate).
 * - `auth_age`: time since the user last authenticated at the provider: the ID token's
 *   `auth_time` claim kept with the session. Without it the fact is missing: false. (Entra sends
 *   `auth_time` when asked with `max_age`; other providers always.)
 * Matchers: `less_than` / `greater_than` a duration ("8h", "30m", "1h30m", or seconds); a bare
 * duration means `less_than`. Write `allow: … session_age: 8h`, or `deny: … session_age:
 * {greater_than: 8h}`. When a deny is due to age alone (a fresh sign-in would be allowed) the
 * decision answers 401, so the proxy sends the user through sign-in again (src/access/decision.ts).
 * Request-time facts (they change as time passes).
 */
import { parseDuration } from '../../shared/duration.js';
import { isMapping } from '../string-matcher.js';
import type { PolicyFacts } from '../types.js';
import type { CriterionDef } from './criterion.js';

/** ms since the session began, or undefined. */
export function sessionAgeMs(facts: PolicyFacts): number | undefined {
  if (!facts.session || !Number.isFinite(facts.request.now)) return undefined;
  return facts.request.now - facts.session.createdAt;
}

/** ms since `auth_time`, or undefined when the session kept none. */
export function authAgeMs(facts: PolicyFacts): number | undefined {
  const authTime = facts.session?.claims.auth_time;
  if (typeof authTime !== 'number' || !Number.isFinite(authTime) || !Number.isFinite(facts.request.now)) return undefined;
  return facts.request.now - authTime * 1000;
}

function ageCriterion(name: 'session_age' | 'auth_age', age: (facts: PolicyFacts) => number | undefined): CriterionDef {
  return {
    subPath: 'none',
    compile(value, ctx) {
      const shorthand = !isMapping(value);
      const entries = shorthand ? [['less_than', value] as const] : Object.entries(value);
      if (entries.length === 0) return void ctx.report(ctx.at, 'needs less_than and/or greater_than');
      let lessThan: number | undefined;
      let greaterThan: number | undefined;
      let bad = false;
      for (const [key, raw] of entries) {
        const at = shorthand ? ctx.at : `${ctx.at}.${key}`;
        if (key !== 'less_than' && key !== 'greater_than') {
          ctx.report(at, `unknown matcher "${key}"; expected less_than, greater_than`);
          bad = true;
          continue;
        }
        const seconds = parseDuration(raw);
        if (seconds === undefined) {
          ctx.report(at, `must be a duration like "8h", "30m", "1h30m" or a number of seconds, got ${JSON.stringify(raw)}`);
          bad = true;
        } else if (key === 'less_than') lessThan = seconds * 1000;
        else greaterThan = seconds * 1000;
      }
      if (bad) return undefined;
      const parts = [lessThan !== undefined ? `less_than ${lessThan / 1000}s` : '', greaterThan !== undefined ? `greater_than ${greaterThan / 1000}s` : ''].filter(Boolean);
      return {
        name,
        label: `${name} ${parts.join(' and ')}`,
        reads: [name],
        test: (facts) => {
          const ms = age(facts);
          if (ms === undefined) return false;
          return (lessThan === undefined || ms < lessThan) && (greaterThan === undefined || ms > greaterThan);
        },
        fact: (facts) => {
          const ms = age(facts);
          return ms === undefined ? `${name === 'auth_age' ? 'auth_time' : 'session'} unknown` : `${name.replace('_', ' ')} ${Math.floor(ms / 1000)}s`;
        },
      };
    },
  };
}

export const sessionAge = ageCriterion('session_age', sessionAgeMs);
export const authAge = ageCriterion('auth_age', authAgeMs);
