/**
 * Keyset paging: "the rows after this one" in a list's order, as a WHERE condition, so a page
 * costs the same wherever it is (RFC 9865 cursors), instead of LIMIT … OFFSET walking every row
 * before it. A list's order is its sort key (NULLs last ascending, first descending, RFC 7644
 * §3.4.2.3), then the row key — unique, so every row has exactly one place.
 */
import type { PagePosition } from '../../../persistence/directory.js';
import { sql, type SQL } from 'drizzle-orm';

/** Rows after `position`; `key` and `sortKey` are the SQL the list orders by. */
export function afterPosition(key: SQL, sortKey: SQL | undefined, descending: boolean, position: PagePosition): SQL {
  const laterKey = sql`${key} > ${position.key}`;
  if (sortKey === undefined) return laterKey;
  const value = position.sort ?? null;
  if (value === null) {
    // Ascending, NULLs come last: only NULLs with a later key follow. Descending, they come first: every value follows.
    return descending ? sql`((${sortKey} IS NULL AND ${laterKey}) OR ${sortKey} IS NOT NULL)` : sql`(${sortKey} IS NULL AND ${laterKey})`;
  }
  return descending
    ? sql`(${sortKey} < ${value} OR (${sortKey} = ${value} AND ${laterKey}))`
    : sql`(${sortKey} > ${value} OR (${sortKey} = ${value} AND ${laterKey}) OR ${sortKey} IS NULL)`;
}
