/**
 * `http_method` and `http_path`: facts of the original request, as the proxy told us.
 * - `http_method`: case-insensitive (methods are compared upper-cased by convention).
 * - `http_path`: the normalized path route matching used (never the query or fragment);
 *   case-sensitive, unless the route matches paths case-insensitively — then lower-case.
 * Both are request facts (`method`, `path`): unknown to an access review without --method, and an
 * outcome that hangs on them is conditional there. In forward auth a method or path the proxy did
 * not send is a missing fact: false.
 * Matchers: is, in, not_in, starts_with, ends_with, contains.
 */
import type { CriterionDef } from './criterion.js';
import { quote } from './criterion.js';
import { compileNamesCriterion, namesCriterion } from './names-criterion.js';

const MATCHERS = ['is', 'in', 'not_in', 'starts_with', 'ends_with', 'contains'] as const;

export const httpMethod = namesCriterion('http_method', {
  reads: ['method'],
  matchers: MATCHERS,
  names: (facts) => (facts.request.method ? { exact: [], folded: [facts.request.method.toLowerCase()] } : undefined),
  describe: (facts) => `method ${quote(facts.request.method)}`,
});

export const httpPath: CriterionDef = {
  subPath: 'none',
  compile(value, ctx) {
    const folded = ctx.options.caseInsensitivePaths === true;
    return compileNamesCriterion('http_path', value, ctx, {
      reads: ['path'],
      matchers: MATCHERS,
      names: (facts) => {
        const path = facts.request.path;
        if (path === undefined) return undefined;
        return folded ? { exact: [], folded: [path.toLowerCase()] } : { exact: [path], folded: [] };
      },
      describe: (facts) => `path ${quote(facts.request.path)}`,
    });
  },
};
