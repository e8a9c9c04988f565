/**
 * How much work one filter may ask of SQLite. A filter is a program that runs against every row
 * SQLite cannot skip with an index, and SQLite cannot be interrupted from here (better-sqlite3
 * has no progress handler): a filter of hundreds of subqueries held the server for over a minute
 * on a mid-sized tenant (bench/README.md). So the compiled filter is measured before it runs,
 * and one beyond these bounds is refused as `invalid-filter` (SCIM's invalidFilter, RFC 7644
 * §3.12), saying which bound it crossed.
 *
 * The parser bounds the text (8192 characters) and the nesting of brackets, parentheses and
 * `not` (64 deep): see scim/protocol/filter/parse.ts. These bounds are documented in openapi.yaml.
 */
import type { DirectoryResult } from '../../../persistence/directory.js';
import { ok } from '../../../shared/result.js';
import { refuse } from '../../refuse.js';
import type { Piece } from './pieces.js';

/** Attribute tests (`userName eq "x"`, each test inside `emails[…]` too). */
export const MAX_FILTER_TERMS = 64;

/**
 * Subqueries per row after merging (filter-sql/pieces.ts): each test on a multi-valued attribute
 * (emails, groups, members …) that could not be merged with another on the same attribute. Each
 * is a parse of the user's document per row, so 8 keep the worst filter within a few times the
 * cost of a plain one (figures: bench/README.md) — Entra's own filters use at most one.
 */
export const MAX_FILTER_SUBQUERIES = 8;

export function withinBudget(piece: Piece): DirectoryResult<Piece> {
  if (piece.terms > MAX_FILTER_TERMS) {
    return refuse('invalid-filter', `the filter has ${piece.terms} attribute tests; at most ${MAX_FILTER_TERMS} are allowed`);
  }
  if (piece.subqueries > MAX_FILTER_SUBQUERIES) {
    return refuse(
      'invalid-filter',
      `the filter needs ${piece.subqueries} separate searches of multi-valued attributes (emails, groups, members …); at most ${MAX_FILTER_SUBQUERIES} are allowed — tests on one attribute joined by "or" count once`,
    );
  }
  return ok(piece);
}
