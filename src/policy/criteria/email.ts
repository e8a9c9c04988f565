/**
 * `email` and `domain`, from the directory (never from the ID token, which a user may influence).
 * - `email`: every `emails[].value` of the user; some e-mail must match. Case-insensitive.
 * - `domain`: the part after the last `@` of the primary e-mail (else the first) — the same
 *   e-mail scimgate sends as X-Auth-Request-Email. Case-insensitive; `is` is exact, so
 *   subdomains need `ends_with: .example.com`.
 * A user without e-mail has neither fact: both criteria are false, `not_in` included.
 * Matchers: is, in, not_in, starts_with, ends_with, contains.
 */
import { quote, shortList } from './criterion.js';
import { namesCriterion } from './names-criterion.js';

const MATCHERS = ['is', 'in', 'not_in', 'starts_with', 'ends_with', 'contains'] as const;

export const email = namesCriterion('email', {
  reads: [],
  matchers: MATCHERS,
  names: (facts) => facts.user?.names.emails,
  describe: (facts) => (facts.user ? `emails ${shortList(facts.user.emails)}` : 'not signed in'),
});

export const domain = namesCriterion('domain', {
  reads: [],
  matchers: MATCHERS,
  names: (facts) => facts.user?.names.domain,
  describe: (facts) => (facts.user ? `domain ${quote(facts.user.domain)} (of ${quote(facts.user.primaryEmail)})` : 'not signed in'),
});
