/**
 * What the user and group stores share: the If-Match check inside a write's transaction, and
 * paging through a table with a compiled filter and sort.
 */
import { asc, count, desc, sql } from 'drizzle-orm';
import { etagOf, ifMatchAllows } from '../scim/protocol/etag.js';
import { fail, ok, preconditionFailed, type Result } from '../scim/protocol/errors.js';
import type { JsonObject } from '../scim/protocol/json.js';
import type { ResourceTypeDef } from '../scim/protocol/schemas/index.js';
import type { Db } from '../store/index.js';
import { groups, users } from '../store/schema.js';
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
type Row<T extends Table> = T['$inferSelect'];

/** Count and fetch one page; rows come back with their JSON document parsed. */
export function listPage<T extends Table>(
  db: Db,
  table: T,
  resourceType: ResourceTypeDef,
  query: SearchQuery,
): Result<Page<Omit<Row<T>, 'doc'> & { doc: JsonObject }>> {
  const compiled = compileSearch(query, resourceType);
  if (!compiled.ok) return compiled;
  const where = compiled.value.where ?? sql`1`;
  const total = db.select({ n: count() }).from(table as Table).where(where).get()?.n ?? 0;
  if (query.limit === 0) return ok({ total, items: [] });
  // Insertion order (rowid) is free to page through; an explicit sortBy keeps rowid as the tie-break.
  const rowid = sql`${table}.rowid`;
  const sortKey = compiled.value.orderBy;
  const order = sortKey ? [query.descending ? desc(sortKey) : asc(sortKey), asc(rowid)] : [asc(rowid)];
  const rows = (db.select().from(table as Table).where(where).orderBy(...order).limit(query.limit).offset(query.offset).all()) as Row<T>[];
  return ok({ total, items: rows.map((row) => ({ ...row, doc: JSON.parse(row.doc) as JsonObject })) });
}
