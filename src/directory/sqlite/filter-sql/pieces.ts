/**
 * Compiled parts of a filter, and how `and`, `or` and `not` put them together so that SQLite's
 * work grows with the filter linearly, and the cost it is charged (filter-sql/budget.ts) is what
 * SQLite will really do.
 *
 * Why merging: every test on a multi-valued attribute is a subquery — `json_each` over the
 * document, which parses it again for each subquery and each row, or a scan of the membership
 * tables. `emails[value co "a"] or emails[value co "b"] or …` as N subqueries cost N parses per
 * row (a long enough chain took seconds, bench/README.md), and past a few dozen membership tests
 * SQLite gave up its per-term index plan and probed every one for every user. But "some element is A, or some element
 * is B" is "some element is A or B": one subquery, one parse per row. Likewise `not A and not B`
 * on one attribute is `not (some element is A or B)`. Other shapes (`some element is A and some
 * element is B`) do not merge and are charged for each subquery.
 *
 * `and`/`or` chains are also written as one flat list, `(a OR b OR c)`, not as the parser's
 * left-deep pairs `((a OR b) OR c)`: deep parentheses overflowed SQLite's parser stack (a plain
 * 500) long before the expression depth limit.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Collection } from '../attribute-columns.js';
import { negate } from './compare.js';

/** A condition with what it costs; `some` marks "some element of `collection` satisfies `inner`" (negated: none does). */
export interface Piece {
  sql: SQL;
  /** Attribute tests, including those inside value paths. */
  terms: number;
  /** Subqueries SQLite runs for each row it considers (after merging). */
  subqueries: number;
  some?: { collection: Collection; inner: SQL; innerTerms: number; negated: boolean } | undefined;
}

export const plain = (condition: SQL, terms: number, subqueries = 0): Piece => ({ sql: condition, terms, subqueries });

/** "Some element of `collection` satisfies `inner`": one subquery. */
export function someElement(collection: Collection, inner: SQL, innerTerms: number): Piece {
  return { sql: collection.exists(inner), terms: innerTerms, subqueries: 1, some: { collection, inner, innerTerms, negated: false } };
}

export function not(piece: Piece): Piece {
  const negated = { ...piece, sql: negate(piece.sql) };
  return piece.some ? { ...negated, some: { ...piece.some, negated: !piece.some.negated } } : { ...negated, some: undefined };
}

/**
 * Merges the `some` pieces that share a collection and a polarity: positive ones in an `or`
 * (some element is A or B), negated ones in an `and` (no element is A or B).
 */
function merged(pieces: readonly Piece[], negated: boolean): Piece[] {
  const groups = new Map<string, Piece[]>();
  const out: (Piece | string)[] = [];
  for (const piece of pieces) {
    if (piece.some === undefined || piece.some.negated !== negated) {
      out.push(piece);
      continue;
    }
    const key = piece.some.collection.key;
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
      out.push(key);
    }
    group.push(piece);
  }
  return out.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const group = groups.get(entry) as Piece[];
    const [first] = group;
    if (group.length === 1 && first) return first;
    const { collection } = (first as Piece).some as NonNullable<Piece['some']>;
    const inner = sql`(${sql.join(
      group.map((p) => (p.some as NonNullable<Piece['some']>).inner),
      sql` OR `,
    )})`;
    const innerTerms = group.reduce((n, p) => n + p.terms, 0);
    const some = someElement(collection, inner, innerTerms);
    return negated ? not(some) : some;
  });
}

/** `a AND b AND …`, or `a OR b OR …`, over pieces already flattened by the caller. */
export function join(kind: 'and' | 'or', pieces: readonly Piece[]): Piece {
  const parts = merged(pieces, kind === 'and');
  const [only] = parts;
  if (parts.length === 1 && only) return only;
  return {
    sql: sql`(${sql.join(
      parts.map((p) => p.sql),
      kind === 'and' ? sql` AND ` : sql` OR `,
    )})`,
    terms: parts.reduce((n, p) => n + p.terms, 0),
    subqueries: parts.reduce((n, p) => n + p.subqueries, 0),
  };
}
