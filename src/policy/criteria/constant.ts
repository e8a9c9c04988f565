/**
 * Criteria that read no directory fact: `accept` (always true), `reject` (always false),
 * `authenticated_user` (a signed-in, active, provisioned user) and `public` (true for anyone,
 * signed in or not). Each takes the value `true`.
 *
 * Unlike Pomerium, `accept` does not open a route to anonymous requests: only `public` does,
 * because skipping sign-in must be a named, visible opt-in (the decision logs every such allow).
 * A request without a session is evaluated only against a policy with `public` in an allow rule.
 */
import { expectTrue, type CriterionDef } from './criterion.js';

function constant(name: string, value: (signedIn: boolean) => boolean, anonymous = false): CriterionDef {
  return {
    subPath: 'none',
    compile(raw, ctx) {
      if (!expectTrue(raw, ctx)) return undefined;
      return {
        name,
        label: name,
        reads: [],
        ...(anonymous ? { anonymous } : {}),
        test: (facts) => value(facts.user !== undefined),
        fact: (facts) => (facts.user ? `signed in as ${JSON.stringify(facts.user.userName)}` : 'not signed in'),
      };
    },
  };
}

export const accept = constant('accept', () => true);
export const reject = constant('reject', () => false);
export const authenticatedUser = constant('authenticated_user', (signedIn) => signedIn);
export const publicAccess = constant('public', () => true, true);
