/**
 * What the user and group stores share: the If-Match check inside a write's transaction, and
 * paging through a table with a compiled filter and sort.
 */
import type { DirectoryResult, Page } from '../../persistence/directory.js';
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { etagOf, ifMatchAllows } from '../../shared/etag.js';
import { ok } from '../../shared/result.js';
import type { ResourceTypeName } from '../../scim/protocol/schemas/index.js';
import { refuse } from '../refuse.js';
import type { groups, users } from '../../store/schema.js';
import { orderBySortKey } from './filter-sql.js';
import { afterPosition } from './filter-sql/keyset.js';
import type { PagePosition } from '../../persistence/directory.js';
import { compileSearch } from './search-query.js';
import type { SearchQuery } from '../../persistence/directory.js';

/** A write's precondition (RFC 7644 §3.14): absent If-Match always passes. */
export function checkIfMatch(version: number, ifMatch: string | undefined): DirectoryResult<void> {
  if (ifMatch !== undefined && !ifMatchAllows(ifMatch, version)) {
    return refuse('precondition-failed', `If-Match does not match the current version ${etagOf(version)}`);
  }
  return ok(undefined);
}

type Table = typeof users | typeof groups;

const MAX_CACHED_STATEMENTS = 256;

/** The dialect drizzle(sqlite) renders with (no casing option), for the per-request queries. */
const dialect = new SQLiteSyncDialect();

/**
 * Pages through one table, in the list's order: its sort key if any, then the row key.
 *
 * A page never walks the rows before it. Before, `LIMIT … OFFSET` read every earlier row whole
 * (on a large tenant the last page cost far more than the first, bench/README.md); now a page
 * starts from a position — a cursor's (RFC 9865), or for `startIndex` the row before the page,
 * found by an OFFSET over keys only (and sort values: no documents are read) — and reads its
 * rows with a keyset condition
 * (filter-sql/keyset.ts). One row more than asked says whether a next page exists.
 *
 * Filters differ only in their bound values from one request to the next (`userName eq "…"`),
 * so statements are prepared once per SQL text and reused: preparing costs more than running an
 * indexed lookup.
 */
export function createPager<Row extends { key: number }, R>(sqlite: Database.Database, table: Table, resourceType: ResourceTypeName, toRecord: (row: Row) => R) {
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
  const run = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    return { prepared: statement(text), params };
  };
  const key = sql`${table.key}`;

  return function listPage(query: SearchQuery): DirectoryResult<Page<R>> {
    // A filter resolved for the other resource type would name columns this table lacks: a caller's bug.
    if (query.attributes && query.attributes.resourceType !== resourceType) {
      throw new Error(`a search of ${query.attributes.resourceType} attributes asked of the ${resourceType} table`);
    }
    const compiled = compileSearch(query);
    if (!compiled.ok) return compiled;
    const filter = compiled.value.where ?? sql`1`;
    const sortKey = compiled.value.orderBy;
    const descending = query.descending === true;
    const order = sortKey ? sql`${orderBySortKey(sortKey, descending ? 'descending' : 'ascending')}, ${key} asc` : sql`${key} asc`;
    const countTotal = (): number => {
      // Without a WHERE, SQLite counts from the B-tree's page headers instead of stepping through every row.
      const count = run(compiled.value.where ? sql`select count(*) from ${table} where ${filter}` : sql`select count(*) from ${table}`);
      return count.prepared.pluck().get(...count.params) as number;
    };
    if (query.limit === 0) return ok({ total: countTotal(), items: [] });

    let position = query.after;
    if (position === undefined && query.offset > 0) {
      // Keys (and sort values) only: SQLite steps over a covering index (users_key, or the filter's) without reading documents.
      const sortColumn = sortKey ? sql`, ${sortKey} as s` : sql``;
      const seek = run(sql`select ${key} as k${sortColumn} from ${table} where ${filter} order by ${order} limit 1 offset ${query.offset - 1}`);
      const before = seek.prepared.get(...seek.params) as { k: number; s?: string | number | null } | undefined;
      if (!before) return ok({ total: countTotal(), items: [] });
      position = { key: before.k, sort: sortKey ? (before.s ?? null) : undefined };
    }
    const where = position ? sql`(${filter}) and ${afterPosition(key, sortKey, descending, position)}` : filter;
    const sortColumn = sortKey ? sql`, ${sortKey} as "__sort"` : sql``;
    const page = run(sql`select ${table}.*${sortColumn} from ${table} where ${where} order by ${order} limit ${query.limit + 1}`);
    const rows = page.prepared.all(...page.params) as (Row & { __sort?: string | number | null })[];
    const more = rows.length > query.limit;
    if (more) rows.length = query.limit;
    const last = rows[rows.length - 1];
    const next = more && last ? { key: last.key, sort: sortKey ? (last.__sort ?? null) : undefined } : undefined;
    // A first page with nothing after it already holds every match: no need to count them again.
    const total = position === undefined && !more ? rows.length : countTotal();
    return ok({ total, items: rows.map(toRecord), ...(next ? { next } : {}) });
  };
}
