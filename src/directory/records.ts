/**
 * What the user and group stores share: the If-Match check inside a write's transaction, and
 * paging through a table with a compiled filter and sort.
 */
import type Database from 'better-sqlite3';
import { asc, count, desc, sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { etagOf, ifMatchAllows } from '../scim/protocol/etag.js';
import { preconditionFailed, type ScimResult } from '../scim/protocol/errors.js';
import { fail, ok } from '../shared/result.js';
import type { ResourceTypeDef } from '../scim/protocol/schemas/index.js';
import type { Db } from '../store/index.js';
import type { groups, users } from '../store/schema.js';
import { compileSearch, type SearchQuery } from './search-query.js';

export interface Page<T> {
  total: number;
  items: T[];
}

/** A write's precondition (RFC 7644 §3.14): absent If-Match always passes. */
export function checkIfMatch(version: number, ifMatch: string | undefined): ScimResult<void> {
  if (ifMatch !== undefined && !ifMatchAllows(ifMatch, version)) {
    return fail(preconditionFailed(`If-Match does not match the current version ${etagOf(version)}`));
  }
  return ok(undefined);
}

type Table = typeof users | typeof groups;

const MAX_CACHED_STATEMENTS = 256;

/** The dialect drizzle(sqlite) renders with (no casing option), for the per-request clauses. */
const dialect = new SQLiteSyncDialect();

/**
 * Pages through one table. Filters differ only in their bound values from one request to the
 * next (`userName eq "…"`), so statements are prepared once per SQL text and reused: preparing
 * costs more than running an indexed lookup. Likewise the `select <every column> from <table>`
 * head of both queries is rendered by drizzle once: building a whole select per request (its
 * column list walked entity by entity) cost more than the lookup itself. Only the request's own
 * clauses (where, order, limit) are rendered per request, by the same dialect the db uses.
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

  const selectHead = db.select().from(table).toSQL().sql;
  const countHead = db.select({ n: count() }).from(table).toSQL().sql;
  const rowid = sql`${table}.rowid`;

  return function listPage(query: SearchQuery): ScimResult<Page<R>> {
    const compiled = compileSearch(query, resourceType);
    if (!compiled.ok) return compiled;
    const where = dialect.sqlToQuery(sql` where ${compiled.value.where ?? sql`1`}`);
    const countTotal = (): number => statement(countHead + where.sql).pluck().get(...where.params) as number;
    if (query.limit === 0) return ok({ total: countTotal(), items: [] });
    // Insertion order (rowid) is free to page through; an explicit sortBy keeps rowid as the tie-break.
    const sortKey = compiled.value.orderBy;
    const order = sortKey ? [query.descending ? desc(sortKey) : asc(sortKey), asc(rowid)] : [asc(rowid)];
    const tail = dialect.sqlToQuery(sql` order by ${sql.join(order, sql`, `)} limit ${query.limit}${query.offset ? sql` offset ${query.offset}` : sql``}`);
    const rows = statement(selectHead + where.sql + tail.sql).all(...where.params, ...tail.params) as Row[];
    // A first page that is not full already holds every match: no need to count them again.
    const total = query.offset === 0 && rows.length < query.limit ? rows.length : countTotal();
    return ok({ total, items: rows.map(toRecord) });
  };
}
