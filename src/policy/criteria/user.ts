/**
 * `user`: the signed-in user by directory id, userName or externalId (any of the three).
 * Case: id and externalId exact (case-sensitive); userName case-insensitive (RFC 7643 §4.1.1,
 * userName is caseExact false). Matchers: is, in, not_in, starts_with, ends_with, contains.
 */
import { quote } from './criterion.js';
import { namesCriterion } from './names-criterion.js';

export const user = namesCriterion('user', {
  reads: [],
  matchers: ['is', 'in', 'not_in', 'starts_with', 'ends_with', 'contains'],
  names: (facts) => facts.user?.names.user,
  describe: (facts) =>
    facts.user ? `id ${quote(facts.user.id)}, userName ${quote(facts.user.userName)}, externalId ${quote(facts.user.externalId)}` : 'not signed in',
});
