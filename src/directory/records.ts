/**
 * What the user and group stores share: the If-Match check inside a write's transaction, and
 * paging through a table with a compiled filter and sort.
 */
import type Database from 'better-sqlite3';
import { asc, count, desc, sql } from 'drizzle-orm';
import { etagOf, ifMatchAllows } from '../scim/protocol/etag.js';
import { fail, ok, preconditionFailed, type Result } from '../scim/protocol/errors.js';
import type { ResourceTypeDef } from '../scim/protocol/schemas/index.js';
import type { Db } from '../store/index.js';
import type { groups, users } from '../store/schema.js';
import { compileSearch, type SearchQuery } from './search-query.js';

export interface Page<T> {
  total: number;
  items: T[];
}

/** A write's precondition (RFC 7644 §3.14): absent If-Match always passes. */
export function checkIfMatch(version: number, ifMatch: string | undefined): Result<void> {
  if (ifMatch !== undefined && !ifMatchAllows(ifMatch, version)) {
    return fail(preconditionFailed(`If-Match does not match the current version ${etagOf(version)}`));
  }
  return ok(undefined);
}

type Table = typeof users | typeof groups;

const MAX_CACHED_STATEMENTS = 256;

/**
 * Pages through one table. Filters differ only in their bound values from one request to the
 * next (`userName eq "…"`), so statements are prepared once per SQL text and reused: preparing
 * costs more than running an indexed lookup.
 */
export function createPager<Row, R>(sqlite: Database.Database, db: Db, table: Table, resourceType: ResourceTypeDef, toRecord: (row: Row) => R) {
  const statements = new Map<string, Database.Statement>();
  const statement = (text: string): Database.Statement => {
    let prepared = statements.get(text);
    if (!prepared) {
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      prepared = sqlite.prepare(text);
      statements.set(text, prepared);
    }
    return prepared;
  };

  return function listPage(query: SearchQuery): Result<Page<R>> {
    const compiled = compileSearch(query, resourceType);
    if (!compiled.ok) return compiled;
    const where = compiled.value.where ?? sql`1`;
    const countTotal = (): number => {
      const counted = db.select({ n: count() }).from(table).where(where).toSQL();
      return statement(counted.sql).pluck().get(...counted.params) as number;
    };
    if (query.limit === 0) return ok({ total: countTotal(), items: [] });
    // Insertion order (rowid) is free to page through; an explicit sortBy keeps rowid as the tie-break.
    const rowid = sql`${table}.rowid`;
    const sortKey = compiled.value.orderBy;
    const order = sortKey ? [query.descending ? desc(sortKey) : asc(sortKey), asc(rowid)] : [asc(rowid)];
    const selected = db.select().from(table).where(where).orderBy(...order).limit(query.limit).offset(query.offset).toSQL();
    const rows = statement(selected.sql).all(...selected.params) as Row[];
    // A first page that is not full already holds every match: no need to count them again.
    const total = query.offset === 0 && rows.length < query.limit ? rows.length : countTotal();
    return ok({ total, items: rows.map(toRecord) });
  };
}
